"""The staff desk on a phone: a study's history and the import pages read without sideways scroll, words
whole, wide tables in a box of their own that a keyboard can scroll."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from accounts import roles
from accounts.permissions import sync_role_permissions
from biobank import importer
from biobank.models import ImportJob
from ehr.models import EhrImport
from tests.e2e.layout import fits_the_window, on_screen, words_cut_in_two
from tests.factories import UserFactory
from tests.studies.factories import StudyFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def biobank_staff():
    sync_role_permissions()
    return UserFactory(roles=[roles.BIOBANK_STAFF], is_staff=True, full_name="Bea Biobank (synthetic)")


def scrolls_in_its_own_box(region) -> bool:
    return region.get_attribute("tabindex") == "0" and region.evaluate("box => box.scrollWidth > box.clientWidth")


def test_a_study_history_wraps_whole_words_on_a_phone(phone_page, login_as, screenshot):
    sync_role_permissions()
    staff = UserFactory(roles=[roles.DCR_STAFF], is_staff=True, full_name="Stella Staff (synthetic)")
    study = StudyFactory(lay_title="First tests of a once-weekly injection in people with type 2 diabetes")
    study._history_user = staff
    for compensation in ("Up to $300 for the whole study.", "Up to $2,400 for completing the stay and all visits."):
        study.compensation = compensation
        study.save()
    login_as(phone_page, staff)
    phone_page.goto(f"/admin/studies/study/{study.pk}/history/")
    expect(phone_page.locator("#change-history tbody tr")).to_have_count(3)
    # "Changed", "once-weekly", "(synthetic)" on one line each: only the changes column breaks a long token.
    assert words_cut_in_two(phone_page, "#change-history tbody td:not(:last-child)") == []
    assert fits_the_window(phone_page)
    assert scrolls_in_its_own_box(phone_page.get_by_role("region", name="Change history"))
    screenshot(phone_page, "desk/phone-study-history")


def test_import_errors_scroll_in_their_own_box_on_a_phone(phone_page, login_as, screenshot, biobank_staff):
    load = EhrImport.objects.create(file_name="fhir-extract-synthetic.zip", created_by=biobank_staff)
    load.finish(EhrImport.Status.REJECTED, error_count=1, errors=[{
        "file": "Observation.ndjson", "line": 12, "resource": "Observation/syn-00000000000000000000000000000001",
        "message": "subject.reference Patient/syn-1 is not a biobank participant."}])
    job = ImportJob.objects.create(kind="samples", file_name="samples-synthetic.csv", created_by=biobank_staff)
    job.finish(ImportJob.Status.REJECTED, error_count=1, errors=[{
        "row": 3, "column": "participant_reference",
        "message": "No participant BB-SYN-000000123456789 is registered: import the participants first."}])
    login_as(phone_page, biobank_staff)
    for path, name in ((f"/admin/ehr/ehrimport/{load.pk}/change/", "ehr-errors"),
                       (f"/admin/biobank/importjob/{job.pk}/change/", "biobank-errors")):
        phone_page.goto(path)
        expect(phone_page.locator("#import-errors tbody tr")).to_have_count(1)
        assert fits_the_window(phone_page), path
        box = phone_page.get_by_role("region", name="Errors")
        assert box.get_attribute("tabindex") == "0"
        assert on_screen(phone_page, phone_page.locator("#import-errors caption")), path  # read without scrolling
        screenshot(phone_page, f"desk/phone-{name}")


def test_a_running_import_updates_itself_pauses_and_says_its_state_on_a_phone(phone_page, login_as, screenshot,
                                                                              biobank_staff):
    job = ImportJob.objects.create(kind="samples", file_name="freezer-3-inventory-synthetic.csv",
                                   created_by=biobank_staff, status="running", rows_total=100_000)
    cache.set(importer.progress_key(job.pk), {"phase": "reading", "done": 42_000, "total": 100_000})
    login_as(phone_page, biobank_staff)
    phone_page.goto(f"/admin/biobank/importjob/{job.pk}/change/")
    progress = phone_page.locator("#import-progress-text")
    expect(progress).to_contain_text("42,000 of 100,000 rows")
    # The updated part is not read out whole every 2 seconds; the status says the state when it changes.
    assert phone_page.locator("#job-live").get_attribute("aria-live") is None
    status = phone_page.locator("#live-status")
    expect(status).to_have_attribute("role", "status")

    phone_page.get_by_role("button", name="Pause updates").click()
    expect(phone_page.get_by_role("button", name="Resume updates")).to_have_attribute("aria-pressed", "true")
    cache.set(importer.progress_key(job.pk), {"phase": "reading", "done": 84_000, "total": 100_000})
    phone_page.wait_for_timeout(2500)
    expect(progress).to_contain_text("42,000 of 100,000 rows")  # paused
    phone_page.get_by_role("button", name="Resume updates").click()
    expect(progress).to_contain_text("84,000 of 100,000 rows")  # without a reload
    expect(status).to_have_text("")
    assert fits_the_window(phone_page)
    screenshot(phone_page, "desk/phone-import-running")

    cache.set(importer.progress_key(job.pk), {"phase": "checking", "done": 0, "total": 100_000})
    expect(status).to_have_text("Checking the file against the records")
    job.finish(ImportJob.Status.IMPORTED, rows_imported=100_000)
    expect(status).to_have_text("Imported 100,000 samples.")
    expect(phone_page.locator("#live-controls")).to_be_hidden()
    assert fits_the_window(phone_page)
