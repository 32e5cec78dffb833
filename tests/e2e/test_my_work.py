"""Browser journeys of a person's own work: the menu and landing after sign-in, the study team on a phone
(cards, one inquiry with notes, the week of beds) and the partnership form's error summary."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from psycopg2.extras import DateTimeTZRange

from accounts import roles
from studies.models import InterestNote
from tests.e2e.layout import fits_the_window
from tests.factories import UserFactory
from tests.studies.factories import BedBookingFactory, InterestFactory, StudyFactory, bed, ensure_beds

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def team_member():
    return UserFactory(roles=[roles.STUDY_TEAM], is_staff=True, full_name="Tess Team")


@pytest.fixture
def inquiries(team_member):
    study = StudyFactory(short_title="WALK-1", lay_title="Does a daily walk help people with diabetes?",
                         team=[team_member], trc_inpatient=True)
    StudyFactory(short_title="SLEEP-3", lay_title="Sleep and memory in older adults", team=[team_member])
    answers = {"1": {"question": "Do you take insulin?", "kind": "yes_no", "answer": "no"},
               "2": {"question": "How many years ago were you told you have diabetes?", "kind": "number",
                     "answer": 3}}
    first = InterestFactory(study=study, name="Jamie Volunteer (synthetic)", email="jamie.volunteer@example.org",
                            phone="617 555 0100", answers=answers)
    InterestFactory(study=study, name="Robin Example (synthetic)", email="robin@example.org", answers=answers)
    return study, first


def test_a_team_member_works_an_inquiry_on_a_phone(phone_page, login_as, screenshot, team_member, inquiries):
    study, interest = inquiries
    page = phone_page
    login_as(page, team_member)
    assert page.url.endswith("/studies/team/")  # signing in lands on the team's work
    page.get_by_label("Search my studies").fill("walk")
    page.get_by_role("button", name="Show", exact=True).click()
    expect(page.get_by_text("1 study match “walk”.")).to_be_visible()
    assert fits_the_window(page)
    screenshot(page, "ux/phone-1-my-studies-search")

    page.get_by_role("link", name="WALK-1: Does a daily walk help people with diabetes?").click()
    card = page.locator(f"#inquiry-{interest.pk}")
    move = card.get_by_label(f"Mark {interest.reference} as")
    move.scroll_into_view_if_needed()
    box = move.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390  # the move form is on the screen, not off to the right
    assert fits_the_window(page)
    screenshot(page, "ux/phone-2-inquiry-cards")

    card.get_by_role("link", name=interest.reference).click()
    page.get_by_label("New note").fill("Prefers a call after 5 pm; asked about parking (synthetic).")
    page.get_by_role("button", name="Save the note").click()
    expect(page.get_by_text(f"Your note on {interest.reference} is saved.")).to_be_visible()
    expect(page.get_by_text("Prefers a call after 5 pm")).to_be_visible()
    page.get_by_label(f"Mark {interest.reference} as").select_option("contacted")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text(f"{interest.reference} is now contacted.")).to_be_visible()
    expect(page.locator("#history")).to_contain_text("New → Contacted")
    assert InterestNote.objects.count() == 1
    assert fits_the_window(page)
    screenshot(page, "ux/phone-3-one-inquiry")


def test_the_team_pages_at_a_desk(page, login_as, screenshot, team_member, inquiries):
    study, interest = inquiries
    ensure_beds()
    start = timezone.localtime().replace(hour=8, minute=0, second=0, microsecond=0) + timedelta(days=1)
    BedBookingFactory(bed=bed(4), study=study, period=DateTimeTZRange(start, start + timedelta(days=2)))
    login_as(page, team_member)
    expect(page.get_by_role("link", name="My studies", exact=True)).to_be_visible()  # in the main menu
    page.get_by_label("Sort by").select_option("title")
    page.get_by_role("button", name="Show", exact=True).click()
    screenshot(page, "ux/desk-1-my-studies-sorted")
    page.goto(f"/studies/team/{study.pk}/")
    assert fits_the_window(page)
    screenshot(page, "ux/desk-2-inquiry-table")
    page.goto(f"/studies/team/inquiries/{interest.pk}/")
    screenshot(page, "ux/desk-3-one-inquiry")

    page.goto("/studies/beds/week/")
    table = page.get_by_role("table")
    expect(table.get_by_role("rowheader")).to_have_count(18)
    expect(table.get_by_role("columnheader")).to_have_count(8)
    expect(table.get_by_role("row", name="Bed 4")).to_contain_text("WALK-1")
    screenshot(page, "ux/desk-4-bed-week")
    # Keyboard: the next week is a link reached with Tab, and it opens the next seven days.
    page.get_by_role("link", name=f"Week of {(timezone.localdate() + timedelta(days=7)):%-d %b}").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**start=*")
    expect(page.get_by_role("table").get_by_role("row", name="Bed 4")).not_to_contain_text("WALK-1")


def test_the_bed_week_on_a_phone_scrolls_inside_its_box(phone_page, login_as, screenshot, team_member, inquiries):
    ensure_beds()
    login_as(phone_page, team_member)
    phone_page.goto("/studies/beds/week/")
    assert fits_the_window(phone_page)  # the grid scrolls in its own box, the page does not
    screenshot(phone_page, "ux/phone-4-bed-week")


@pytest.mark.parametrize("role, landing, menu", [
    (roles.PATIENT, "/studies/my-inquiries/", ["My inquiries", "My alerts"]),
    (roles.RESEARCHER, "/consultations/mine/", ["My requests", "My biobank requests"]),
    (roles.COLLABORATOR, "/collaborators/mine/", ["My partnership inquiries"]),
])
def test_signing_in_lands_on_my_work_and_the_menu_has_it(page, login_as, screenshot, role, landing, menu):
    login_as(page, UserFactory(roles=[role]))
    assert page.url.endswith(landing)
    if len(menu) > 1:
        page.get_by_role("button", name="My work").click()
    for label in menu:
        expect(page.get_by_role("link", name=label, exact=True)).to_be_visible()
    screenshot(page, f"ux/desk-5-menu-{role.lower()}")


def test_the_menu_on_a_phone(phone_page, login_as, screenshot):
    login_as(phone_page, UserFactory(roles=[roles.RESEARCHER]))
    phone_page.get_by_role("button", name="Show menu").click()
    phone_page.get_by_role("button", name="My work").click()
    expect(phone_page.get_by_role("link", name="My biobank requests")).to_be_visible()
    assert fits_the_window(phone_page)
    screenshot(phone_page, "ux/phone-5-menu-researcher")


def test_the_partnership_form_explains_its_errors(page, phone_page, screenshot):
    for shown, name in ((page, "desk"), (phone_page, "phone")):
        shown.goto("/collaborators/")
        shown.get_by_label("Your name").fill("Jordan Example")
        shown.get_by_role("button", name="Send my inquiry").click()
        summary = shown.locator("#form-errors")
        expect(summary).to_be_visible()
        expect(shown.locator("#form-problem")).to_be_focused()
        expect(summary.get_by_role("link", name="Check “Organisation”")).to_be_visible()
        assert shown.get_by_label("Your name").input_value() == "Jordan Example"
        summary.get_by_role("link", name="Check “Proposed collaboration”").click()
        expect(shown.get_by_label("Proposed collaboration")).to_be_focused()
        screenshot(shown, f"ux/{name}-6-partnership-errors")


def test_the_thank_you_page_offers_an_account(phone_page, screenshot):
    study = StudyFactory(short_title="WALK-1", lay_title="Does a daily walk help people with diabetes?")
    phone_page.goto(f"/studies/{study.pk}/")
    phone_page.get_by_label("Your name").fill("Jamie Volunteer")
    phone_page.get_by_label("Email address").fill("jamie@example.org")
    phone_page.get_by_label("I agree that the study team may contact me about this study.").check()
    phone_page.get_by_role("button", name="Send: I'm interested").click()
    phone_page.get_by_role("link", name="Create an account to follow it").click()
    phone_page.wait_for_url("**/accounts/signup/**")
    assert phone_page.url.endswith("/accounts/signup/?role=Patient")
    phone_page.go_back()
    expect(phone_page.get_by_role("heading", name="Follow your inquiry online")).to_be_visible()
    assert fits_the_window(phone_page)
    screenshot(phone_page, "ux/phone-7-thanks")
