"""Browser journeys of the trial finder: a visitor on a phone, a study team at a desk."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from django.utils import timezone
from psycopg2.extras import DateTimeTZRange

from accounts import roles
from notifications.models import OutboxEmail
from studies.models import Interest, Study
from tests.e2e.layout import fits_the_window
from tests.factories import CenterFactory, UserFactory
from tests.studies.factories import (BedBookingFactory, ConditionFactory, InterestFactory, PrescreenQuestionFactory,
                                     StudyFactory, bed, ensure_beds)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def team_member():
    return UserFactory(roles=[roles.STUDY_TEAM], is_staff=True, full_name="Tess Team")


@pytest.fixture
def studies(team_member):
    trc = CenterFactory(name="Translational Research Center")
    clinic = CenterFactory(name="Center for Clinical Trials")
    diabetes, asthma = ConditionFactory(name="Diabetes", slug="diabetes"), ConditionFactory(name="Asthma", slug="asthma")
    walk = StudyFactory(
        lay_title="Does a daily walk help people with diabetes?", short_title="WALK-1", nct_id="NCT01234567",
        summary="We want to learn whether a 20-minute walk after meals keeps blood sugar in a healthy range.",
        eligibility="Adults with type 2 diabetes who can walk for 20 minutes without help.",
        min_age=30, max_age=75, phase=Study.Phase.PHASE_2, conditions=[diabetes], center=clinic,
        visits="6 visits over 3 months, about 2 hours each.", compensation="$75 for each completed visit.",
        contact_name="Casey Coordinator", contact_phone="617 555 0123", team=[team_member])
    PrescreenQuestionFactory(study=walk, text="Do you take insulin?", order=1)
    PrescreenQuestionFactory(study=walk, text="How many years ago were you told you have diabetes?", kind="number",
                             min_value=0, max_value=80, order=2)
    StudyFactory(lay_title="First tests of a new insulin patch in people with diabetes", phase=Study.Phase.PHASE_1,
                 conditions=[diabetes], center=trc, trc_inpatient=True, inpatient_nights=3, min_age=18, max_age=55,
                 healthy_volunteers=True)
    StudyFactory(lay_title="A phone app that reminds children to use their inhaler", phase=Study.Phase.NOT_APPLICABLE,
                 conditions=[asthma], center=clinic, min_age=6, max_age=17)
    for number in range(22):  # more than one page of 20
        StudyFactory(lay_title=f"Learning how asthma changes over time, group {number + 1}", conditions=[asthma],
                     center=clinic, phase=Study.Phase.values[number % 6])
    return walk


def test_a_visitor_on_a_phone_finds_a_study_and_sends_interest(phone_page, studies, screenshot):
    page = phone_page
    page.goto("/patients/")
    page.get_by_role("link", name="Search studies").click()
    screenshot(page, "studies/phone-1-finder")
    page.get_by_label("Condition, treatment or keyword").fill("diabetic")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.locator("#result-count")).to_have_text("2 studies found for “diabetic”")
    assert "q=diabetic" in page.url  # the search can be shared
    expect(page.locator("#finder-filters")).to_be_hidden()  # filters fold away on a phone
    page.get_by_role("button", name="Filters").click()
    page.locator("#finder-filters.show").wait_for()
    page.get_by_label("Your age").fill("40")
    screenshot(page, "studies/phone-2-filters-open")
    page.get_by_role("button", name="Show studies").click()
    page.wait_for_url("**/studies/?q=diabetic&age=40**")
    expect(page.locator("#result-count")).to_have_text("2 studies found for “diabetic”")
    expect(page.get_by_role("link", name="Remove filter Your age: 40 years")).to_be_visible()
    page.get_by_role("link", name="Does a daily walk help people with diabetes?").click()
    expect(page.get_by_role("heading", name="Does a daily walk help people with diabetes?")).to_be_visible()
    assert page.get_by_role("link", name="NCT01234567").get_attribute("href") == "https://clinicaltrials.gov/study/NCT01234567"
    screenshot(page, "studies/phone-3-study-page")
    page.get_by_role("link", name="I'm interested").click()
    page.get_by_label("Your name").fill("Jamie Volunteer")
    page.get_by_label("Email address").fill("jamie@example.org")
    page.get_by_role("group", name="Do you take insulin?").get_by_label("No", exact=True).check()
    page.get_by_label("How many years ago were you told you have diabetes?").fill("3")
    page.get_by_role("button", name="Send: I'm interested").click()
    # Forgot the consent box: told clearly, nothing lost.
    expect(page.get_by_text("Tick this box so the study team may contact you")).to_be_visible()
    assert page.get_by_label("Your name").input_value() == "Jamie Volunteer"
    assert page.url.endswith("#interested")  # the page reopens at the form, not at the top
    expect(page.locator("#form-problem")).to_be_focused()  # read out, and in view
    screenshot(page, "studies/phone-4-form-error")
    page.get_by_label("I agree that the study team may contact me about this study.").check()
    page.get_by_role("button", name="Send: I'm interested").click()
    page.get_by_role("heading", name="Thank you: your message is with the study team").wait_for()
    interest = Interest.objects.get()
    assert page.locator("#inquiry-reference").inner_text() == interest.reference
    assert interest.answers[next(iter(interest.answers))]["answer"] == "no"
    screenshot(page, "studies/phone-5-thanks")
    assert set(OutboxEmail.objects.values_list("template", flat=True)) == {"interest_received", "study_new_inquiry"}
    for url, name in (("/studies/", "phone-6-finder-all"),):
        page.goto(url)
        screenshot(page, f"studies/{name}")
    assert fits_the_window(page)


def test_the_finder_and_study_page_on_a_desktop(page, studies, screenshot):
    page.goto("/studies/?condition=asthma")
    expect(page.locator("#finder-filters")).to_be_visible()
    assert page.get_by_label("Condition", exact=True).input_value() == "asthma"
    screenshot(page, "studies/desktop-1-finder")
    page.get_by_role("link", name="Next").click()
    assert "condition=asthma" in page.url and "page=2" in page.url
    page.goto(studies.get_absolute_url())
    screenshot(page, "studies/desktop-2-study-page")
    closed = StudyFactory(lay_title="An old sleep study", status=Study.Status.COMPLETED,
                          conditions=[ConditionFactory(name="Insomnia", slug="insomnia")])
    response = page.goto(closed.get_absolute_url())
    assert response.status == 410
    expect(page.get_by_role("heading", name="This study is closed")).to_be_visible()
    screenshot(page, "studies/desktop-3-closed-study")


def test_a_team_member_marks_the_inquiry_contacted(page, login_as, studies, team_member, screenshot):
    interest = InterestFactory(study=studies, name="Jamie Volunteer (synthetic)", email="jamie@example.org",
                               answers={"1": {"question": "Do you take insulin?", "kind": "yes_no", "answer": "no"}})
    InterestFactory(study=studies, status=Interest.Status.CONTACTED)
    login_as(page, team_member)
    page.goto("/admin/studies/interest/")
    screenshot(page, "studies/admin-1-interest-list")
    page.get_by_role("row", name=interest.reference).get_by_role("checkbox").check()
    page.locator("select[name=action]").select_option("mark_contacted")
    page.get_by_role("button", name="Go").click()
    expect(page.get_by_text("1 inquiry marked contacted.")).to_be_visible()
    screenshot(page, "studies/admin-2-marked-contacted")
    interest.refresh_from_db()
    assert interest.status == Interest.Status.CONTACTED
    page.goto(f"/admin/studies/interest/{interest.pk}/change/")
    expect(page.get_by_text("jamie@example.org")).to_be_visible()
    screenshot(page, "studies/admin-3-inquiry")

    page.goto("/studies/team/")
    screenshot(page, "studies/team-1-my-studies")
    page.get_by_role("link", name="WALK-1: Does a daily walk help people with diabetes?").click()
    row = page.locator(f"#inquiry-{interest.pk}")
    row.get_by_label(f"Mark {interest.reference} as").select_option("eligible")
    row.get_by_role("button", name="Save").click()
    expect(page.get_by_text(f"{interest.reference} is now eligible.")).to_be_visible()
    screenshot(page, "studies/team-2-study-list")
    interest.refresh_from_db()
    assert interest.status == Interest.Status.ELIGIBLE


def test_a_team_member_books_a_trc_bed(page, login_as, studies, team_member, screenshot):
    ensure_beds()
    tomorrow = timezone.localdate() + timedelta(days=1)
    start = timezone.make_aware(timezone.datetime(tomorrow.year, tomorrow.month, tomorrow.day, 8))
    BedBookingFactory(bed=bed(1), study=StudyFactory(short_title="OTHER-1"),
                      period=DateTimeTZRange(start, start + timedelta(days=2)))
    login_as(page, team_member)
    page.goto(f"/studies/beds/?date={tomorrow.isoformat()}")
    page.get_by_role("link", name="Book a bed").click()
    page.get_by_label("Study").select_option(label=f"WALK-1: {studies.lay_title}")
    page.get_by_label("Bed").select_option(label="Bed 1")
    page.get_by_role("button", name="Book the bed").click()
    expect(page.get_by_text("Bed 1 is already booked for part of that time. Free for the whole stay: beds 2 to 18.")
           ).to_be_visible()
    screenshot(page, "studies/beds-1-taken")
    page.get_by_role("button", name="Find free beds").click()
    expect(page.get_by_text("Bed 2 is proposed below.")).to_be_visible()
    page.get_by_role("button", name="Book the bed").click()
    expect(page.get_by_text("Bed 2 is booked for WALK-1")).to_be_visible()
    screenshot(page, "studies/beds-2-board")


def test_a_signed_in_patient_sees_and_withdraws_an_inquiry(phone_page, login_as, studies, screenshot):
    page = phone_page
    patient = UserFactory(roles=[roles.PATIENT], full_name="Pat Patient")
    interest = InterestFactory(study=studies, user=patient, email=patient.email)
    login_as(page, patient)
    page.goto("/accounts/me/")
    page.get_by_role("link", name="My study inquiries").click()
    screenshot(page, "studies/phone-7-my-inquiries")
    page.get_by_role("button", name="Withdraw this inquiry").click()
    expect(page.get_by_text(f"Your inquiry {interest.reference} is withdrawn.")).to_be_visible()
    interest.refresh_from_db()
    assert interest.status == Interest.Status.WITHDRAWN


def test_a_visitor_finds_the_studies_nearest_a_zip_code(page, phone_page, screenshot):
    from studies.models import Location

    clinic = CenterFactory(name="Center for Clinical Trials")
    sleep = ConditionFactory(name="Sleep apnea", slug="sleep-apnea")
    for title, facility, point in (("Chicago sleep study", "Chicago Clinic", (41.7886, -87.6048)),
                                   ("Boston sleep & mood study", "Boston Hospital", (42.3626, -71.0696)),
                                   ("Hanover sleep study", "Lebanon Clinic", (43.6770, -72.2704))):
        study = StudyFactory(lay_title=title, center=clinic, conditions=[sleep],
                             summary="We **compare** two ways to sleep better & feel rested.")
        Location.objects.create(study=study, facility=facility, city=facility.split()[0], country="United States",
                                latitude=point[0], longitude=point[1])
    page.goto("/studies/")
    page.get_by_label("Near (US ZIP code or city)").fill("02114")
    page.get_by_label("Within").select_option(label="250 miles")
    page.get_by_role("button", name="Show studies").click()
    page.wait_for_url("**near=02114*")
    cards = page.locator("article.card")
    expect(cards).to_have_count(2)  # Chicago is beyond 250 miles
    expect(cards.nth(0)).to_contain_text("Nearest site: Boston Hospital, Boston, United States (less than a mile away)")
    expect(cards.nth(1)).to_contain_text("(about 109 miles)")
    expect(cards.nth(0)).to_contain_text("We compare two ways to sleep better & feel rested.")
    expect(cards.nth(1)).to_contain_text("Hanover sleep study")
    screenshot(page, "studies/desktop-4-near-a-zip-code")
    phone_page.goto(page.url)
    expect(phone_page.locator("article.card").first).to_contain_text("Boston sleep & mood study")
    assert fits_the_window(phone_page)
    screenshot(phone_page, "studies/phone-8-near-a-zip-code")
