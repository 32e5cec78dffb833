"""Browser journeys of the second security pass: the required second step, recovery codes, the
slowed code step, and the page a flood of submissions gets."""

from __future__ import annotations

import base64
import re

import pytest
from playwright.sync_api import expect
from django_otp.oath import totp

from accounts import roles
from common import ratelimit
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in_with_password(page, user):
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def code_from_key(key: str, offset: int = 0) -> str:
    compact = key.replace(" ", "")
    secret = base64.b32decode(compact + "=" * (-len(compact) % 8))
    return f"{totp(secret, step=30, t0=0, digits=6, drift=offset):06d}"


def test_a_biobank_member_sets_up_the_second_step_keeps_codes_then_is_slowed_not_locked(page, screenshot):
    person = UserFactory(roles=[roles.BIOBANK_STAFF], is_staff=True, full_name="Bea Biobank (synthetic)")
    sign_in_with_password(page, person)
    page.goto("/biobank/cohort/")
    page.wait_for_url("**/accounts/me/two-step/**")
    expect(page.get_by_text("needs two-step sign-in before any other page opens")).to_be_visible()
    screenshot(page, "security/two-step-required")

    key = page.locator("#two-step-secret").inner_text()
    page.get_by_label("Code").fill(code_from_key(key))
    page.get_by_role("button", name="Turn two-step sign-in on").click()
    page.wait_for_url("**/accounts/me/two-step/recovery-codes/**")
    codes = page.locator("#recovery-codes li").all_inner_texts()
    assert len(codes) == 10 and all(re.fullmatch(r"[a-z2-7]{8}", code) for code in codes)
    screenshot(page, "security/recovery-codes")
    page.get_by_role("link", name="I have kept them: continue").click()
    page.wait_for_url("**/biobank/cohort/")

    page.get_by_role("button", name="Sign out").click()
    sign_in_with_password(page, person)
    page.wait_for_url("**/accounts/login/code/**")
    expect(page.get_by_text("never locked")).to_be_visible()
    for _ in range(6):
        page.get_by_label("Code").fill("000000" if code_from_key(key) != "000000" else "111111")
        page.get_by_role("button", name="Continue").click()
        page.wait_for_load_state()
    expect(page.get_by_text("Your account is not locked")).to_be_visible()
    screenshot(page, "security/two-step-slowed")
    # Any code waits its turn too: after the wait, a recovery code signs in.
    page.wait_for_timeout(2500)
    page.get_by_label("Code").fill(codes[0])
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/admin/")  # signing in lands on the biobank member's work: the staff desk
    expect(page.get_by_text("recovery code; 9 are left")).to_be_visible()


def test_a_person_past_the_per_person_limit_gets_a_page_that_says_so(page, login_as, screenshot):
    person = UserFactory(roles=[roles.RESEARCHER], full_name="Rae Researcher (synthetic)", organisation="Medicine")
    for _ in range(30):
        ratelimit.count("profile-save", f"person:{person.pk}", window_seconds=3600)
    login_as(page, person)
    page.goto("/accounts/me/")
    page.get_by_label("Full name").fill("Rae R. Researcher (synthetic)")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("heading", name="Please wait before sending this again")).to_be_visible()
    expect(page.get_by_text("nothing was saved")).to_be_visible()
    screenshot(page, "security/per-person-limit")
    person.refresh_from_db()
    assert person.full_name == "Rae Researcher (synthetic)"


def test_a_hospital_researcher_signs_in_through_the_hospital_provider(page, live_server, screenshot,
                                                                       tmp_path_factory):
    """The whole single sign-on journey in the browser, against the real test provider."""
    from django.test import override_settings

    from accounts.models import User
    from tests.accounts.test_sso import PASSWORD, PEOPLE, Provider

    provider = Provider(tmp_path_factory.mktemp("oidc-provider-e2e"))
    provider.start()
    try:
        provider.seed(PEOPLE, f"{live_server.url}/accounts/sso/callback/")
        with override_settings(**provider.settings()):
            page.goto("/accounts/login/?next=/consultations/mine/")
            screenshot(page, "security/sign-in-with-hospital-account")
            page.get_by_role("link", name="Sign in with your hospital account").click()
            page.wait_for_url(f"{provider.url}/login/**")
            page.get_by_label("Username").fill("hana")
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_url("**/consultations/mine/")
            assert page.get_by_role("link", name="Sign out").count() + page.get_by_role(
                "button", name="Sign out").count() >= 1
            screenshot(page, "security/signed-in-through-the-hospital")
        user = User.objects.get(email="hana.hospital@example.org")
        assert user.groups.filter(name=roles.RESEARCHER).exists()
    finally:
        provider.stop()
