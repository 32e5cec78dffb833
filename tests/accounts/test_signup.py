"""Sign-up: one self-service role, a clear message per field, nothing typed is lost."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts import roles
from accounts.models import User
from accounts.services import EmailTaken, register_user
from notifications.models import OutboxEmail
from tests.factories import UserFactory

URL = reverse("accounts:signup")
GOOD_PASSWORD = "amber-lantern-rowing-42"


def form_data(**overrides) -> dict:
    data = {
        "role": roles.RESEARCHER,
        "full_name": "Noor Newcomer",
        "email": "noor.newcomer@example.org",
        "organisation": "Department of Cardiology",
        "password1": GOOD_PASSWORD,
        "password2": GOOD_PASSWORD,
    }
    data.update(overrides)
    return data


def errors_of(response, field: str) -> list[str]:
    return list(response.context["form"].errors.get(field, []))


@pytest.mark.django_db
def test_the_page_offers_the_three_self_service_roles_only(client):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    for role in roles.SELF_SERVICE_ROLES:
        assert f'value="{role}"' in html
    for role in roles.STAFF_ROLES:
        assert f'value="{role}"' not in html
    assert html.count("<h1") == 1


@pytest.mark.django_db
def test_every_field_has_a_label(client):
    html = client.get(URL).content.decode()
    for field_id in ("id_full_name", "id_email", "id_organisation", "id_password1", "id_password2"):
        assert f'for="{field_id}"' in html, field_id
    assert "<legend" in html and "I am signing up as" in html  # the radio group has its label


@pytest.mark.django_db
def test_a_role_in_the_link_is_chosen_beforehand(client):
    response = client.get(URL, {"role": roles.RESEARCHER})
    assert response.context["form"].initial == {"role": roles.RESEARCHER}
    response = client.get(URL, {"role": roles.DCR_STAFF})
    assert response.context["form"].initial == {}


@pytest.mark.django_db
def test_signing_up_creates_the_account_signs_in_and_sends_one_welcome(
        client, outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, form_data(email="Noor.Newcomer@Example.org"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:my_account")
    user = User.objects.get()
    assert user.email == "noor.newcomer@example.org"
    assert user.full_name == "Noor Newcomer"
    assert user.organisation == "Department of Cardiology"
    assert list(user.groups.values_list("name", flat=True)) == [roles.RESEARCHER]
    assert not user.is_staff
    assert user.check_password(GOOD_PASSWORD)
    assert len(outbox) == 1
    assert outbox[0].to == ["noor.newcomer@example.org"]
    assert "Welcome" in outbox[0].subject
    page = client.get(reverse("accounts:my_account"))
    assert page.status_code == 200
    assert "Welcome! Your account is ready." in page.content.decode()


@pytest.mark.django_db
def test_a_patient_need_not_give_an_organisation(client):
    response = client.post(URL, form_data(role=roles.PATIENT, organisation=""))
    assert response.status_code == 302
    assert User.objects.get().groups.get().name == roles.PATIENT


@pytest.mark.django_db
@pytest.mark.parametrize("role", [roles.RESEARCHER, roles.COLLABORATOR])
def test_researchers_and_collaborators_must_give_an_organisation(client, role):
    response = client.post(URL, form_data(role=role, organisation="   "))
    assert response.status_code == 200
    assert errors_of(response, "organisation") == ["Tell us your department, institution or company."]
    assert not User.objects.exists()


@pytest.mark.django_db
def test_a_taken_email_in_another_case_is_refused_and_what_was_typed_is_kept(client):
    UserFactory(email="existing@example.org")
    response = client.post(URL, form_data(email="Existing@Example.org", full_name="Second Person",
                                          organisation="Pharmacy Department"))
    assert response.status_code == 200
    assert errors_of(response, "email") == [
        "An account with this email address already exists. Sign in, or reset your password."
    ]
    html = response.content.decode()
    assert "An account with this email address already exists." in html
    assert 'value="Existing@Example.org"' in html
    assert 'value="Second Person"' in html
    assert 'value="Pharmacy Department"' in html
    assert re.search(rf'value="{roles.RESEARCHER}"\s+id="id_role_1" required checked', html)
    assert GOOD_PASSWORD not in html  # passwords are never sent back
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_the_role_is_required_and_the_rest_is_kept(client):
    data = form_data()
    del data["role"]
    response = client.post(URL, data)
    assert response.status_code == 200
    assert errors_of(response, "role") == ["Choose what you are signing up as."]
    assert 'value="noor.newcomer@example.org"' in response.content.decode()
    assert not User.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", [roles.DCR_STAFF, roles.STUDY_TEAM, roles.BIOBANK_STAFF, "Administrator"])
def test_staff_roles_cannot_be_chosen(client, role):
    response = client.post(URL, form_data(role=role))
    assert response.status_code == 200
    assert errors_of(response, "role") == ["Choose one of the three kinds of account."]
    assert not User.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("password, message", [
    ("short1!", "This password is too short. It must contain at least 10 characters."),
    ("password123", "This password is too common."),
    ("48203948571", "This password is entirely numeric."),
    ("noor.newcomer", "The password is too similar to the email address."),
])
def test_a_weak_password_is_refused_with_the_reason(client, password, message):
    response = client.post(URL, form_data(password1=password, password2=password))
    assert response.status_code == 200
    assert message in errors_of(response, "password1")
    assert f'value="{password}"' not in response.content.decode()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_the_two_passwords_must_match(client):
    response = client.post(URL, form_data(password2=GOOD_PASSWORD + "x"))
    assert errors_of(response, "password2") == ["The two passwords do not match."]
    assert not User.objects.exists()


@pytest.mark.django_db
def test_an_empty_form_names_every_missing_field(client):
    response = client.post(URL, {})
    form = response.context["form"]
    assert form.errors["full_name"] == ["Enter your full name."]
    assert form.errors["email"] == ["Enter your email address."]
    assert form.errors["password1"] == ["Choose a password."]
    assert form.errors["password2"] == ["Type the password again."]
    assert "Please correct the" in response.content.decode()


@pytest.mark.django_db
def test_a_malformed_email_gets_an_example(client):
    response = client.post(URL, form_data(email="noor at example"))
    assert errors_of(response, "email") == ["Enter an email address like name@example.org."]


@pytest.mark.django_db
def test_a_signed_in_person_is_sent_to_their_account(client, researcher):
    client.force_login(researcher)
    assert client.get(URL)["Location"] == reverse("accounts:my_account")


@pytest.mark.django_db
def test_an_address_taken_between_check_and_save_is_reported_on_the_form(client, monkeypatch):
    def taken(**kwargs):
        raise EmailTaken(kwargs["email"])

    monkeypatch.setattr("accounts.views.register_user", taken)
    response = client.post(URL, form_data())
    assert response.status_code == 200
    assert errors_of(response, "email") == [
        "An account with this email address already exists. Sign in, or reset your password."
    ]


@pytest.mark.django_db
def test_register_user_raises_email_taken_on_a_duplicate():
    register_user(email="twice@example.org", full_name="A", password=GOOD_PASSWORD, role=roles.PATIENT)
    with pytest.raises(EmailTaken):
        register_user(email="TWICE@example.org", full_name="B", password=GOOD_PASSWORD, role=roles.PATIENT)
    assert User.objects.count() == 1
    assert OutboxEmail.objects.count() == 1


@pytest.mark.django_db
def test_register_user_refuses_a_staff_role():
    with pytest.raises(ValueError):
        register_user(email="sneaky@example.org", full_name="S", password=GOOD_PASSWORD, role=roles.DCR_STAFF)
    assert not User.objects.exists()
    assert not Group.objects.get(name=roles.DCR_STAFF).user_set.exists()
