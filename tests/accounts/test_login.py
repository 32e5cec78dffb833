"""Sign-in with an email address, sign-out by POST, and the lockout after repeated failures."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import TEST_PASSWORD, UserFactory

LOGIN = reverse("accounts:login")
LOGOUT = reverse("accounts:logout")
MY_ACCOUNT = reverse("accounts:my_account")
WRONG = "That email address and password do not match an account. Check both and try again."


@pytest.fixture
def person(db):
    return UserFactory(email="rae@example.org", full_name="Rae Person")


def sign_in(client, email, password=TEST_PASSWORD, **extra):
    return client.post(LOGIN, {"username": email, "password": password}, **extra)


@pytest.mark.django_db
def test_the_page_has_labelled_fields_and_one_heading(client):
    html = client.get(LOGIN).content.decode()
    assert 'for="id_username"' in html and "Email address" in html
    assert 'for="id_password"' in html
    assert 'type="email"' in html
    assert html.count("<h1") == 1
    assert reverse("accounts:password_reset") in html


@pytest.mark.django_db
def test_the_right_password_signs_in_whatever_the_email_case(client, person):
    response = sign_in(client, "  RAE@Example.org ")
    assert response.status_code == 302
    assert response["Location"] == MY_ACCOUNT
    assert client.get(MY_ACCOUNT).context["user"] == person


@pytest.mark.django_db
def test_next_is_followed_when_it_stays_on_the_site(client, person):
    response = client.post(f"{LOGIN}?next=/centers/", {"username": person.email, "password": TEST_PASSWORD})
    assert response["Location"] == "/centers/"


@pytest.mark.django_db
def test_next_pointing_elsewhere_is_ignored(client, person):
    response = client.post(f"{LOGIN}?next=https://evil.example.com/", {"username": person.email,
                                                                       "password": TEST_PASSWORD})
    assert response["Location"] == MY_ACCOUNT


@pytest.mark.django_db
def test_a_wrong_password_gets_the_message_and_keeps_the_email(client, person):
    response = sign_in(client, "Rae@Example.org", "not-my-password")
    assert response.status_code == 200
    html = response.content.decode()
    assert WRONG in html
    assert 'value="Rae@Example.org"' in html
    assert "not-my-password" not in html
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_an_unknown_email_gets_the_same_message(client):
    response = sign_in(client, "nobody@example.org")
    assert WRONG in response.content.decode()


@pytest.mark.django_db
def test_a_disabled_account_cannot_sign_in(client):
    UserFactory(email="gone@example.org", is_active=False)
    response = sign_in(client, "gone@example.org")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_empty_fields_are_named(client):
    form = client.post(LOGIN, {}).context["form"]
    assert form.errors["username"] == ["Enter your email address."]
    assert form.errors["password"] == ["Enter your password."]


@pytest.mark.django_db
def test_a_signed_in_person_is_sent_to_their_account(client, person):
    client.force_login(person)
    assert client.get(LOGIN)["Location"] == MY_ACCOUNT


@pytest.mark.django_db
def test_sign_out_is_a_post(client, person):
    client.force_login(person)
    assert client.get(LOGOUT).status_code == 405
    assert "_auth_user_id" in client.session
    response = client.post(LOGOUT, follow=True)
    assert response.redirect_chain[-1][0] == reverse("home")
    assert "You are signed out." in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get(MY_ACCOUNT).status_code == 302


@pytest.mark.django_db
def test_the_header_offers_a_sign_out_button_in_a_post_form(client, person):
    client.force_login(person)
    html = client.get(reverse("home")).content.decode()
    form = html.split(f'action="{LOGOUT}"', 1)[1].split("</form>", 1)[0]
    assert 'method="post"' in html.split(f'action="{LOGOUT}"', 1)[1][:30]
    assert "csrfmiddlewaretoken" in form and "Sign out" in form


# --- Lockout (django-axes): 5 wrong passwords in a row lock the account for this address ---------

@pytest.mark.django_db
def test_four_failures_still_show_the_form(client, person):
    for _ in range(4):
        response = sign_in(client, person.email, "wrong-password")
        assert response.status_code == 200
        assert WRONG in response.content.decode()


@pytest.mark.django_db
def test_the_fifth_failure_locks_the_account_even_for_the_right_password(client, person):
    for _ in range(4):
        sign_in(client, person.email, "wrong-password")
    response = sign_in(client, person.email, "wrong-password")
    assert response.status_code == 429
    assert "accounts/locked_out.html" in [t.name for t in response.templates]
    assert "Too many sign-in attempts" in response.content.decode()
    response = sign_in(client, person.email)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_changing_the_case_of_the_email_does_not_buy_more_tries(client, person):
    for email in ("rae@example.org", "RAE@example.org", "Rae@Example.org", "rAe@example.ORG", "RAE@EXAMPLE.ORG"):
        response = sign_in(client, email, "wrong-password")
    assert response.status_code == 429
    assert sign_in(client, "rae@example.org").status_code == 429


@pytest.mark.django_db
def test_a_lockout_does_not_block_other_accounts(client, person):
    other = UserFactory(email="other@example.org")
    for _ in range(5):
        sign_in(client, person.email, "wrong-password")
    response = sign_in(client, other.email)
    assert response.status_code == 302


@pytest.mark.django_db
def test_a_success_clears_earlier_failures(client, person):
    for _ in range(4):
        sign_in(client, person.email, "wrong-password")
    assert sign_in(client, person.email).status_code == 302
    client.post(LOGOUT)
    for _ in range(4):
        response = sign_in(client, person.email, "wrong-password")
    assert response.status_code == 200


# --- Failed sign-ins per client address across accounts (password spraying) -----------------

ADDRESS_PAUSED = "Too many failed sign-ins came from your network"


@pytest.mark.django_db
def test_spraying_one_password_over_many_accounts_from_one_address_is_stopped(client, person, settings):
    settings.SIGNIN_FAILURES_PER_ADDRESS = 20
    for number in range(20):
        response = sign_in(client, f"someone{number}@example.org", "Summer2026!")
        assert WRONG in response.content.decode()
    refused = sign_in(client, "someone99@example.org", "Summer2026!")
    assert ADDRESS_PAUSED in refused.content.decode()
    # The right password of a real account is not even checked from that address now.
    refused = sign_in(client, person.email)
    assert ADDRESS_PAUSED in refused.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_the_count_is_per_client_address_behind_the_trusted_proxies(client, person, settings):
    settings.SIGNIN_FAILURES_PER_ADDRESS = 3
    settings.TRUSTED_PROXIES = 1
    attacker = {"HTTP_X_FORWARDED_FOR": "203.0.113.9", "REMOTE_ADDR": "10.0.0.2"}
    for number in range(3):
        sign_in(client, f"someone{number}@example.org", "Summer2026!", **attacker)
    assert ADDRESS_PAUSED in sign_in(client, "x@example.org", "Summer2026!", **attacker).content.decode()
    # A forged left part of the header does not buy a fresh count ...
    forged = {"HTTP_X_FORWARDED_FOR": "198.51.100.1, 203.0.113.9", "REMOTE_ADDR": "10.0.0.2"}
    assert ADDRESS_PAUSED in sign_in(client, "y@example.org", "Summer2026!", **forged).content.decode()
    # ... while a colleague behind the same proxy, at another address, signs in.
    colleague = {"HTTP_X_FORWARDED_FOR": "203.0.113.10", "REMOTE_ADDR": "10.0.0.2"}
    assert sign_in(client, person.email, **colleague).status_code == 302
