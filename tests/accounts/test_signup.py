"""Sign-up: one self-service role, a clear message per field, nothing typed is lost."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts import roles
from accounts.models import User
from accounts.services import sign_up
from tests.factories import UserFactory

URL = reverse("accounts:signup")
SENT = reverse("accounts:signup_sent")
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


def confirm_link(message) -> str:
    return re.search(r"http://\S+(/accounts/signup/confirm/\S+/)", message.body).group(1)


@pytest.mark.django_db
def test_signing_up_emails_a_link_that_creates_the_account_and_signs_in(
        client, outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, form_data(email="Noor.Newcomer@Example.org"))
    assert response.status_code == 302 and response["Location"] == SENT
    assert "Check your email" in client.get(SENT).content.decode()
    user = User.objects.get()
    assert (user.email, user.full_name, user.organisation) == (
        "noor.newcomer@example.org", "Noor Newcomer", "Department of Cardiology")
    assert list(user.groups.values_list("name", flat=True)) == [roles.RESEARCHER]
    assert not user.is_active and not user.is_staff and user.check_password(GOOD_PASSWORD)
    # Until the link is opened the account cannot sign in.
    refused = client.post(reverse("accounts:login"), {"username": "noor.newcomer@example.org",
                                                      "password": GOOD_PASSWORD})
    assert refused.status_code == 200 and "_auth_user_id" not in client.session
    (message,) = outbox
    assert message.to == ["noor.newcomer@example.org"] and "Finish creating" in message.subject

    link = confirm_link(message)
    assert "Create my account" in client.get(link).content.decode()  # a scanner's GET confirms nothing
    assert not User.objects.get().is_active
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(link)
    assert response["Location"] == reverse("accounts:my_account")
    page = client.get(reverse("accounts:my_account"))
    assert page.status_code == 200 and "Welcome! Your account is ready." in page.content.decode()
    assert User.objects.get().is_active
    assert "Welcome" in outbox[-1].subject and len(outbox) == 2
    # Used once: the link is dead now.
    client.logout()
    dead = client.get(link)
    assert dead.status_code == 400 and "This link no longer works" in dead.content.decode()


@pytest.mark.django_db
def test_a_known_address_gets_the_same_answer_and_its_owner_an_email(
        client, outbox, django_capture_on_commit_callbacks):
    owner = UserFactory(email="existing@example.org", full_name="First Owner")
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(URL, form_data(email="Existing@Example.org", full_name="Second Person"))
        new = client.post(URL, form_data(email="brand.new@example.org"))
    assert (known.status_code, known["Location"]) == (new.status_code, new["Location"]) == (302, SENT)
    owner.refresh_from_db()
    assert owner.full_name == "First Owner" and owner.is_active
    assert User.objects.count() == 2
    told = next(m for m in outbox if m.to == ["existing@example.org"])
    assert "already have" in told.subject and "/accounts/password-reset/" in told.body
    assert "/accounts/signup/confirm/" not in told.body


@pytest.mark.django_db
def test_signing_up_again_before_confirming_replaces_the_first_and_its_link(
        client, outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, form_data(full_name="First Try"))
        client.post(URL, form_data(full_name="Second Try", password1=GOOD_PASSWORD + "!",
                                   password2=GOOD_PASSWORD + "!"))
    first, second = outbox
    assert client.get(confirm_link(first)).status_code == 400
    client.post(confirm_link(second))
    user = User.objects.get()
    assert user.full_name == "Second Try" and user.is_active and user.check_password(GOOD_PASSWORD + "!")


@pytest.mark.django_db
def test_an_address_gets_a_few_sign_up_emails_an_hour_at_the_most(
        client, outbox, django_capture_on_commit_callbacks):
    UserFactory(email="existing@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        answers = {client.post(URL, form_data(email="existing@example.org"))["Location"] for _ in range(6)}
    assert answers == {SENT}
    assert len(outbox) == 3


@pytest.mark.django_db
def test_many_sign_ups_from_one_client_address_are_refused_with_a_message(client, settings):
    for number in range(10):
        assert client.post(URL, form_data(email=f"n{number}@example.org")).status_code == 302
    refused = client.post(URL, form_data(email="n10@example.org"))
    assert refused.status_code == 400
    assert "Many accounts were asked for from your network" in refused.content.decode()
    assert not User.objects.filter(email="n10@example.org").exists()


@pytest.mark.django_db
def test_a_patient_need_not_give_an_organisation(client):
    response = client.post(URL, form_data(role=roles.PATIENT, organisation=""))
    assert response.status_code == 302
    assert User.objects.get().groups.get().name == roles.PATIENT


@pytest.mark.django_db
@pytest.mark.parametrize("role", [roles.RESEARCHER, roles.COLLABORATOR])
def test_researchers_and_collaborators_must_give_an_organisation(client, role):
    response = client.post(URL, form_data(role=role, organisation="   "))
    assert response.status_code == 400
    assert errors_of(response, "organisation") == ["Tell us your department, institution or company."]
    assert not User.objects.exists()


@pytest.mark.django_db
def test_the_role_is_required_and_the_rest_is_kept(client):
    data = form_data()
    del data["role"]
    response = client.post(URL, data)
    assert response.status_code == 400
    assert errors_of(response, "role") == ["Choose what you are signing up as."]
    assert 'value="noor.newcomer@example.org"' in response.content.decode()
    assert not User.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", [roles.DCR_STAFF, roles.STUDY_TEAM, roles.BIOBANK_STAFF, "Administrator"])
def test_staff_roles_cannot_be_chosen(client, role):
    response = client.post(URL, form_data(role=role))
    assert response.status_code == 400
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
    assert response.status_code == 400
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
def test_sign_up_refuses_a_staff_role():
    with pytest.raises(ValueError):
        sign_up(email="sneaky@example.org", full_name="S", password=GOOD_PASSWORD, role=roles.DCR_STAFF)
    assert not User.objects.exists()
    assert not Group.objects.get(name=roles.DCR_STAFF).user_set.exists()
