"""Sign-up, sign-out and sign-in in a real browser."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from accounts import roles
from accounts.models import User
from notifications.models import OutboxEmail
from tests.e2e.layout import fits_the_window
from tests.factories import TEST_PASSWORD, UserFactory

NEW_PASSWORD = "amber-lantern-rowing-42"


def fill_signup(page, *, email: str, password: str = NEW_PASSWORD):
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password*", exact=True).fill(password)
    page.get_by_label("Password again").fill(password)


@pytest.mark.django_db(transaction=True)
def test_sign_up_as_a_researcher_with_a_mistake_then_through_the_emailed_link(page, screenshot):
    page.goto("/accounts/signup/")
    page.get_by_label("Researcher: I want consultations or biobank samples").check()
    page.get_by_label("Full name").fill("Noor Newcomer")
    page.get_by_label("Organisation", exact=True).fill("Department of Cardiology")
    fill_signup(page, email="Noor.Newcomer@Example.org")
    page.get_by_label("Password again").fill(NEW_PASSWORD + "x")
    page.get_by_role("button", name="Create my account").click()

    expect(page.get_by_text("The two passwords do not match.")).to_be_visible()
    assert page.get_by_label("Email address").input_value() == "Noor.Newcomer@Example.org"
    assert page.get_by_label("Full name").input_value() == "Noor Newcomer"
    assert page.get_by_label("Organisation", exact=True).input_value() == "Department of Cardiology"
    assert page.get_by_label("Researcher: I want consultations or biobank samples").is_checked()
    assert page.get_by_label("Password*", exact=True).input_value() == ""
    screenshot(page, "foundation/signup-errors")

    fill_signup(page, email="noor.newcomer@example.org")
    page.get_by_role("button", name="Create my account").click()
    page.wait_for_url("**/accounts/signup/sent/")
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    screenshot(page, "security/signup-check-your-email")

    link = OutboxEmail.objects.get(template="signup_confirm").context["confirm_path"]
    page.goto(link)
    page.get_by_role("button", name="Create my account").click()
    page.wait_for_url("**/accounts/me/")
    expect(page.get_by_role("heading", name="My account", level=1)).to_be_visible()
    expect(page.get_by_text("Welcome! Your account is ready.")).to_be_visible()
    expect(page.get_by_text("noor.newcomer@example.org")).to_be_visible()
    user = User.objects.get(email="noor.newcomer@example.org")
    assert user.groups.filter(name=roles.RESEARCHER).exists()
    screenshot(page, "foundation/my-account")

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"^https?://[^/]+/$"))  # the home page
    expect(page.get_by_text("You are signed out.")).to_be_visible()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()


@pytest.mark.django_db(transaction=True)
def test_sign_in_with_a_wrong_then_the_right_password(page, screenshot):
    UserFactory(email="rae@example.org", full_name="Rae Researcher", roles=[roles.RESEARCHER])
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill("Rae@Example.org")
    page.get_by_label("Password").fill("not-my-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("That email address and password do not match an account.")).to_be_visible()
    assert page.get_by_label("Email address").input_value() == "Rae@Example.org"
    assert page.get_by_label("Password").input_value() == ""
    screenshot(page, "foundation/signin-error")

    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    # A researcher lands on their own work, not on the profile form.
    page.wait_for_url("**/consultations/mine/")
    expect(page.get_by_role("heading", name="My consultation requests", level=1)).to_be_visible()


@pytest.mark.django_db(transaction=True)
def test_the_sign_in_page_on_a_phone(phone_page, screenshot):
    phone_page.goto("/accounts/login/")
    expect(phone_page.get_by_label("Email address")).to_be_visible()
    assert fits_the_window(phone_page)
    screenshot(phone_page, "foundation/signin-phone")


@pytest.mark.django_db(transaction=True)
def test_my_account_edit_keeps_a_bad_phone_for_correction(page, login_as, screenshot):
    person = UserFactory(email="pat@example.org", full_name="Pat Patient", roles=[roles.PATIENT])
    login_as(page, person)
    page.goto("/accounts/me/")  # a patient lands on their inquiries; the profile form is one click away
    page.get_by_label("Phone (optional)").fill("call me")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Enter a phone number of 7 to 20 digits.")).to_be_visible()
    assert page.get_by_label("Phone (optional)").input_value() == "call me"
    screenshot(page, "foundation/my-account-error")
    page.get_by_label("Phone (optional)").fill("+1 (603) 555-0142")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Your details were saved.")).to_be_visible()
    person.refresh_from_db()
    assert person.phone == "+1 (603) 555-0142"


@pytest.mark.django_db(transaction=True)
def test_the_skip_link_appears_on_focus_and_moves_to_the_content(page):
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_visible()
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
