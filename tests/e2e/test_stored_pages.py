"""Pages kept rendered per person (common.page_cache) in a real browser: the second visit, served from
the cache, looks the same and its forms still post (each visit carries the visitor's own CSRF token)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from accounts import roles
from consultations.models import Draft
from tests.factories import UserFactory
from tests.studies.factories import InterestFactory, StudyFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_stored_my_requests_page_still_deletes_a_draft(page, login_as, screenshot):
    researcher = UserFactory(roles=[roles.RESEARCHER], full_name="Rae Researcher")
    Draft.objects.create(requester=researcher, title="Half-written power analysis",
                         data={"title": "Half-written power analysis"})
    login_as(page, researcher)
    page.goto("/consultations/mine/")
    first = page.locator("main").inner_text()
    page.goto("/consultations/mine/")  # served from the cache
    assert page.locator("main").inner_text() == first
    screenshot(page, "stored/my-requests-researcher")
    page.get_by_role("button", name="Delete").click()
    expect(page.get_by_text("The draft is deleted.")).to_be_visible()
    assert not Draft.objects.filter(requester=researcher).exists()
    assert "Half-written power analysis" not in page.locator("main").inner_text()


def test_a_stored_my_inquiries_page_still_withdraws_an_inquiry(phone_page, login_as, screenshot):
    patient = UserFactory(roles=[roles.PATIENT], full_name="Pat Patient")
    InterestFactory(study=StudyFactory(lay_title="Walking and blood sugar (synthetic)"), user=patient,
                    email=patient.email)
    login_as(phone_page, patient)
    phone_page.goto("/studies/my-inquiries/")
    phone_page.goto("/studies/my-inquiries/")  # served from the cache
    expect(phone_page.get_by_text("Walking and blood sugar (synthetic)")).to_be_visible()
    screenshot(phone_page, "stored/my-inquiries-patient-390")
    phone_page.on("dialog", lambda dialog: dialog.accept())
    phone_page.get_by_role("button", name="Withdraw this inquiry").click()
    phone_page.wait_for_load_state()
    phone_page.goto("/studies/my-inquiries/")
    expect(phone_page.get_by_role("button", name="Withdraw this inquiry")).to_have_count(0)


def test_the_stored_dashboard_for_staff(page, login_as, screenshot, staff_a):
    login_as(page, staff_a)
    page.goto("/staff/dashboard/")
    page.goto("/staff/dashboard/")  # served from the cache
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert "Center A for Testing" in page.locator("main").inner_text()
    screenshot(page, "stored/dashboard-staff")
