"""My account: sign-in required, details editable with checks, password change."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts import roles
from tests.factories import TEST_PASSWORD, UserFactory

URL = reverse("accounts:my_account")
PASSWORD_CHANGE = reverse("accounts:password_change")
PHONE_MESSAGE = ("Enter a phone number of 7 to 20 digits. You may use spaces, +, - and brackets, "
                 "for example +1 (603) 555-0142.")


def details(**overrides) -> dict:
    data = {"full_name": "Rae Researcher", "organisation": "Department of Medicine", "phone": ""}
    data.update(overrides)
    return data


@pytest.mark.django_db
@pytest.mark.parametrize("url", [URL, PASSWORD_CHANGE])
def test_signing_in_is_required_and_brings_you_back(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={url}"


@pytest.mark.django_db
def test_the_page_shows_the_email_the_roles_and_the_form(client, researcher):
    client.force_login(researcher)
    response = client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert researcher.email in html
    assert roles.RESEARCHER in html
    for field_id in ("id_full_name", "id_organisation", "id_phone"):
        assert f'for="{field_id}"' in html
    assert 'type="tel"' in html
    assert html.count("<h1") == 1
    assert PASSWORD_CHANGE in html
    assert "Research support services" in html  # the shortcuts of a researcher


@pytest.mark.django_db
def test_a_superuser_without_groups_is_shown_as_administrator(client, superuser):
    client.force_login(superuser)
    assert "Administrator" in client.get(URL).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("phone, stored", [
    ("+1 (603) 555-0142", "+1 (603) 555-0142"),
    ("5550142", "5550142"),
    ("  603   555 0142 ", "603 555 0142"),
    ("+44 20 7946 0958", "+44 20 7946 0958"),
    ("", ""),
])
def test_details_are_saved(client, researcher, phone, stored):
    client.force_login(researcher)
    response = client.post(URL, details(full_name="Rae R. Researcher", phone=phone), follow=True)
    assert "Your details were saved." in response.content.decode()
    researcher.refresh_from_db()
    assert researcher.full_name == "Rae R. Researcher"
    assert researcher.phone == stored


@pytest.mark.django_db
@pytest.mark.parametrize("phone", [
    "555-014",                      # 6 digits
    "call me maybe",                # letters
    "603.555.0142",                 # dots are not allowed
    "+1 603 555 0142 ext 7",        # letters
    "1234567890123456789012",       # 22 digits
    "(((((((---)))))))",            # no digits at all
])
def test_a_bad_phone_number_is_refused_and_kept_for_correction(client, researcher, phone):
    researcher.phone = "603 555 0100"
    researcher.save()
    client.force_login(researcher)
    response = client.post(URL, details(phone=phone, full_name="Typed Name"))
    assert response.status_code == 200
    assert response.context["form"].errors["phone"] == [PHONE_MESSAGE]
    html = response.content.decode()
    assert f'value="{phone}"' in html
    assert 'value="Typed Name"' in html
    assert "Your details were not saved." in html
    researcher.refresh_from_db()
    assert researcher.phone == "603 555 0100"
    assert researcher.full_name == "Rae Researcher"


@pytest.mark.django_db
def test_the_name_is_required(client, researcher):
    client.force_login(researcher)
    response = client.post(URL, details(full_name="  "))
    assert response.context["form"].errors["full_name"] == ["Enter your full name."]


@pytest.mark.django_db
def test_a_researcher_keeps_an_organisation(client, researcher):
    client.force_login(researcher)
    response = client.post(URL, details(organisation=""))
    assert response.context["form"].errors["organisation"] == ["Tell us your department, institution or company."]


@pytest.mark.django_db
def test_a_patient_may_leave_the_organisation_empty(client, patient):
    client.force_login(patient)
    response = client.post(URL, details(organisation=""))
    assert response.status_code == 302


@pytest.mark.django_db
def test_the_email_and_roles_cannot_be_changed_here(client, patient):
    client.force_login(patient)
    client.post(URL, details(email="new@example.org", is_staff="on", groups=["1"]))
    patient.refresh_from_db()
    assert patient.email != "new@example.org"
    assert not patient.is_staff
    assert list(patient.groups.values_list("name", flat=True)) == [roles.PATIENT]


@pytest.mark.django_db
def test_an_empty_post_shows_errors_rather_than_saving(client, researcher):
    client.force_login(researcher)
    response = client.post(URL, {})
    assert response.status_code == 200
    assert "full_name" in response.context["form"].errors


# --- Password change --------------------------------------------------------------------

@pytest.mark.django_db
def test_the_password_can_be_changed_and_the_session_stays(client):
    person = UserFactory(email="pw@example.org")
    client.force_login(person)
    new = "silver-orchard-kites-19"
    response = client.post(PASSWORD_CHANGE, {"old_password": TEST_PASSWORD, "new_password1": new,
                                             "new_password2": new}, follow=True)
    assert "Your password was changed." in response.content.decode()
    assert response.redirect_chain[-1][0] == URL
    person.refresh_from_db()
    assert person.check_password(new)
    assert client.get(URL).status_code == 200


@pytest.mark.django_db
def test_a_wrong_current_password_is_refused(client):
    person = UserFactory(email="pw@example.org")
    client.force_login(person)
    response = client.post(PASSWORD_CHANGE, {"old_password": "not-it", "new_password1": "silver-orchard-kites-19",
                                             "new_password2": "silver-orchard-kites-19"})
    assert response.status_code == 200
    assert response.context["form"].errors["old_password"]
    person.refresh_from_db()
    assert person.check_password(TEST_PASSWORD)


@pytest.mark.django_db
def test_the_password_change_form_is_labelled(client, patient):
    client.force_login(patient)
    html = client.get(PASSWORD_CHANGE).content.decode()
    for field_id in ("id_old_password", "id_new_password1", "id_new_password2"):
        assert f'for="{field_id}"' in html
    assert html.count("<h1") == 1
