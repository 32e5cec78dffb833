"""Two-step sign-in for staff: turning it on, the code step after the password, the admin behind it."""

from __future__ import annotations

import re
from base64 import b32encode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import roles
from accounts.second_step import MAX_WAIT_SECONDS
from accounts.two_step import WRONG_CODE
from tests.factories import TEST_PASSWORD, UserFactory

SETUP = reverse("accounts:two_step")
VERIFY = reverse("accounts:two_step_verify")
LOGIN = reverse("accounts:login")
ADMIN = reverse("admin:index")


def code_for(device: TOTPDevice, offset: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset):06d}"


def wrong_code(device: TOTPDevice) -> str:
    good = {code_for(device, offset) for offset in (-1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in good)


@pytest.fixture
def staff(db):
    return UserFactory(email="stella@example.org", is_staff=True, full_name="Stella Staff")


@pytest.fixture
def staff_with_device(staff):
    return staff, TOTPDevice.objects.create(user=staff, name="Authenticator app", confirmed=True)


def sign_in(client, user, password=TEST_PASSWORD):
    return client.post(LOGIN, {"username": user.email, "password": password})


@pytest.mark.django_db
def test_a_staff_member_turns_it_on_by_scanning_and_typing_a_code(client, staff):
    client.force_login(staff)
    page = client.get(SETUP)
    html = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in html and "QR code" in html
    # Nothing inline (the CSP forbids it): scripts come from files, the picture has no style.
    assert not re.search(r"<script(?![^>]*\bsrc=)", html) and 'style="' not in html and "<style" not in html
    secret = re.search(r'id="two-step-secret">([A-Z2-7 ]+)<', html).group(1)
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    assert secret.replace(" ", "") == b32encode(device.bin_key).decode().rstrip("=")

    response = client.post(SETUP, {"code": code_for(device)}, follow=True)
    assert "Two-step sign-in is on" in response.content.decode()
    assert len(re.findall(r'<li class="col-6">[a-z2-7]{8}</li>', response.content.decode())) == 10
    device.refresh_from_db()
    assert device.confirmed
    # The session that turned it on is verified: the staff desk opens.
    assert client.get(ADMIN).status_code == 200


@pytest.mark.django_db
def test_a_wrong_code_is_refused_with_a_clear_message_and_nothing_is_turned_on(client, staff):
    client.force_login(staff)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=staff)
    response = client.post(SETUP, {"code": wrong_code(device)})
    assert response.status_code == 400
    assert WRONG_CODE in response.content.decode()
    assert not TOTPDevice.objects.filter(user=staff, confirmed=True).exists()
    response = client.post(SETUP, {"code": ""})
    assert "Type the 6-digit code" in response.content.decode()


@pytest.mark.django_db
def test_the_page_keeps_the_same_secret_until_it_is_confirmed(client, staff):
    client.force_login(staff)
    first = re.search(r'id="two-step-secret">([^<]+)<', client.get(SETUP).content.decode()).group(1)
    second = re.search(r'id="two-step-secret">([^<]+)<', client.get(SETUP).content.decode()).group(1)
    assert first == second
    assert TOTPDevice.objects.filter(user=staff).count() == 1


@pytest.mark.django_db
def test_people_without_the_staff_flag_never_see_it(client, db):
    researcher = UserFactory()
    client.force_login(researcher)
    assert client.get(SETUP).status_code == 404
    assert "Two-step sign-in" not in client.get(reverse("accounts:my_account")).content.decode()


@pytest.mark.django_db
def test_staff_see_the_link_under_my_account(client, staff):
    client.force_login(staff)
    assert SETUP in client.get(reverse("accounts:my_account")).content.decode()


@pytest.mark.django_db
def test_sign_in_asks_for_the_code_after_the_password(client, staff_with_device):
    staff, device = staff_with_device
    response = sign_in(client, staff)
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    page = client.get(response["Location"])
    assert "Type your sign-in code" in page.content.decode()

    refused = client.post(VERIFY, {"code": wrong_code(device), "next": ADMIN})
    assert refused.status_code == 400 and WRONG_CODE in refused.content.decode()

    accepted = client.post(VERIFY, {"code": code_for(device), "next": ADMIN})
    assert accepted.status_code == 302 and accepted["Location"] == ADMIN
    assert client.get(ADMIN).status_code == 200


@pytest.mark.django_db
def test_the_admin_is_closed_until_the_code_is_given(client, staff_with_device):
    staff, _ = staff_with_device
    sign_in(client, staff)
    response = client.get(reverse("admin:accounts_user_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY)
    # Every other page too: the code step comes first.
    assert client.get(reverse("accounts:my_account"))["Location"].startswith(VERIFY)


@pytest.mark.django_db
def test_a_foreign_next_address_is_ignored(client, staff_with_device):
    staff, device = staff_with_device
    sign_in(client, staff)
    response = client.post(VERIFY, {"code": code_for(device), "next": "https://evil.example.com/"})
    assert response["Location"] == reverse("accounts:my_account")


@pytest.mark.django_db
def test_wrong_codes_slow_the_next_try_down_but_never_lock_the_right_code_out(client, staff_with_device):
    """Anyone with the password could otherwise lock a staff member out of the second step."""
    from datetime import timedelta

    from django.utils import timezone

    staff, device = staff_with_device
    sign_in(client, staff)
    page = client.get(VERIFY).content.decode()
    assert "each try waits a little longer" in page and "never locked" in page
    for _ in range(5):  # the first five wrong codes cost nothing
        assert WRONG_CODE in client.post(VERIFY, {"code": wrong_code(device)}).content.decode()
    slowed = client.post(VERIFY, {"code": code_for(device)})
    assert slowed.status_code == 400 and "wait 1 second," in slowed.content.decode()
    assert "not locked" in slowed.content.decode()
    # Fifteen wrong codes and more: the wait stays at a minute at the most, then the right code works.
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=40,
                                                   throttling_failure_timestamp=timezone.now())
    slowed = client.post(VERIFY, {"code": code_for(device)}).content.decode()
    assert re.search(rf"wait ({MAX_WAIT_SECONDS}|{MAX_WAIT_SECONDS - 1}) seconds", slowed)
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - timedelta(seconds=MAX_WAIT_SECONDS))
    accepted = client.post(VERIFY, {"code": code_for(device), "next": ADMIN})
    assert accepted.status_code == 302 and accepted["Location"] == ADMIN
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


@pytest.mark.django_db
def test_turning_it_off_needs_a_code(client, staff_with_device):
    staff, device = staff_with_device
    sign_in(client, staff)
    client.post(VERIFY, {"code": code_for(device)})
    page = client.get(SETUP)
    assert "Turn two-step sign-in off" in page.content.decode()
    # A code is good once: the next time step's code (accepted within the drift) turns it off.
    response = client.post(SETUP, {"code": code_for(device, 1)}, follow=True)
    assert "Two-step sign-in is off" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=staff).exists()


@pytest.mark.django_db
def test_axes_still_locks_a_staff_account_with_two_step_sign_in(client, staff_with_device):
    staff, _ = staff_with_device
    for _ in range(5):
        response = sign_in(client, staff, "wrong-password")
    assert response.status_code == 429
    assert sign_in(client, staff).status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_person_without_a_device_is_not_asked(client, staff):
    sign_in(client, staff)
    assert client.get(ADMIN).status_code == 200
    assert client.get(VERIFY)["Location"] == reverse("accounts:my_account")


# --- Required for people who see protected data, with recovery codes -------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["study_team", "biobank", "superuser"])
def test_people_who_see_protected_data_must_set_it_up_before_any_page(client, kind):
    person = {"study_team": lambda: UserFactory(roles=[roles.STUDY_TEAM], is_staff=True),
              "biobank": lambda: UserFactory(roles=[roles.BIOBANK_STAFF], is_staff=True),
              "superuser": lambda: UserFactory(is_staff=True, is_superuser=True)}[kind]()
    sign_in(client, person)
    for page in (reverse("accounts:my_account"), ADMIN, reverse("studies:team_index"), "/biobank/cohort/"):
        response = client.get(page)
        assert response.status_code == 302 and response["Location"].startswith(SETUP), page
    setup = client.get(SETUP)
    html = setup.content.decode()
    assert "needs two-step sign-in before any other page opens" in html
    assert "Back to my account" not in html

    device = TOTPDevice.objects.get(user=person, confirmed=False)
    response = client.post(SETUP, {"code": code_for(device), "next": ADMIN}, follow=True)
    codes = re.findall(r'<li class="col-6">([a-z2-7]{8})</li>', response.content.decode())
    assert len(codes) == 10
    assert client.get(ADMIN).status_code == 200
    # It cannot be turned off, only new recovery codes made.
    page = client.get(SETUP).content.decode()
    assert "Turn two-step sign-in off" not in page and "Make new recovery codes" in page
    client.post(SETUP, {"code": code_for(device, 1)})
    assert TOTPDevice.objects.filter(user=person, confirmed=True).exists()


@pytest.mark.django_db
def test_dcr_staff_may_still_choose(client):
    desk = UserFactory(roles=[roles.DCR_STAFF], is_staff=True)
    sign_in(client, desk)
    assert client.get(ADMIN).status_code == 200
    assert "Turn two-step sign-in on" in client.get(SETUP).content.decode()


@pytest.mark.django_db
def test_a_recovery_code_signs_in_once_when_the_phone_is_lost(client):
    person = UserFactory(roles=[roles.BIOBANK_STAFF], is_staff=True)
    from accounts.second_step import new_recovery_codes

    TOTPDevice.objects.create(user=person, name="Authenticator app", confirmed=True)
    codes = new_recovery_codes(person)
    sign_in(client, person)
    response = client.post(VERIFY, {"code": codes[0].upper(), "next": ADMIN}, follow=True)
    assert response.redirect_chain[-1][0] == ADMIN
    assert "recovery code; 9 are left" in response.content.decode()
    client.post(reverse("accounts:logout"))
    sign_in(client, person)
    refused = client.post(VERIFY, {"code": codes[0]})
    assert refused.status_code == 400 and WRONG_CODE in refused.content.decode()
    assert client.post(VERIFY, {"code": codes[1], "next": ADMIN})["Location"] == ADMIN


@pytest.mark.django_db
def test_new_recovery_codes_replace_the_old_ones(client):
    person = UserFactory(roles=[roles.STUDY_TEAM], is_staff=True)
    from accounts.second_step import new_recovery_codes
    from tests.factories import verify_session

    old = new_recovery_codes(person)
    client.force_login(person)
    verify_session(client, person)
    page = client.post(SETUP, {"action": "new_codes"}, follow=True).content.decode()
    new = re.findall(r'<li class="col-6">([a-z2-7]{8})</li>', page)
    assert len(new) == 10 and not set(new) & set(old)
    # Shown once: the page is gone on the next visit.
    assert client.get(reverse("accounts:recovery_codes"))["Location"] == SETUP


@pytest.mark.django_db
def test_a_role_given_during_a_session_asks_for_the_second_step_on_the_next_page(client):
    desk = UserFactory(roles=[roles.DCR_STAFF], is_staff=True)
    sign_in(client, desk)
    assert client.get(ADMIN).status_code == 200
    from accounts.services import grant_role

    grant_role(desk, roles.BIOBANK_STAFF)
    assert client.get(ADMIN)["Location"].startswith(SETUP)


@pytest.mark.django_db
def test_a_removed_app_closes_the_admin_on_the_next_request(client, staff_with_device):
    """The signed-in device is kept in the cache between pages, and forgotten when it goes."""
    staff, device = staff_with_device
    sign_in(client, staff)
    assert client.post(VERIFY, {"code": code_for(device), "next": ADMIN})["Location"] == ADMIN
    assert client.get(ADMIN).status_code == 200
    with CaptureQueriesContext(connection) as kept:
        assert client.get(ADMIN).status_code == 200
    assert not any("otp_totp_totpdevice" in query["sql"] for query in kept.captured_queries)

    TOTPDevice.objects.filter(pk=device.pk).get().delete()
    response = client.get(ADMIN)
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


@pytest.mark.django_db
def test_an_unconfirmed_device_does_not_count_even_when_kept(client, staff_with_device):
    staff, device = staff_with_device
    sign_in(client, staff)
    client.post(VERIFY, {"code": code_for(device), "next": ADMIN})
    assert client.get(ADMIN).status_code == 200
    device.confirmed = False
    device.save()
    assert client.get(ADMIN).status_code == 302
