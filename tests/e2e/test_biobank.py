"""A researcher counts a cohort and asks for the samples; biobank staff import a file."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from accounts import roles
from accounts.permissions import sync_role_permissions
from biobank import importer
from biobank.models import ImportJob, SampleRequest
from tests.biobank.factories import ParticipantFactory, SampleFactory, box_named
from tests.cohorts.conftest import grant_access
from tests.factories import UserFactory


@pytest.fixture
def stocked(transactional_db):
    sync_role_permissions()
    for n in range(14):
        person = ParticipantFactory(sex="F" if n % 2 else "M", genotyped=n < 8)
        SampleFactory(participant=person, sample_type="dna")
        SampleFactory(participant=person, sample_type="plasma")
    for _ in range(3):
        SampleFactory(participant=ParticipantFactory(), sample_type="serum")


@pytest.mark.django_db(transaction=True)
def test_researcher_counts_a_cohort_and_requests_the_samples(page, login_as, screenshot, stocked):
    researcher = UserFactory(roles=[roles.RESEARCHER], full_name="Rae Researcher")
    grant_access(researcher)
    login_as(page, researcher)
    page.goto("/researchers/")
    page.get_by_role("link", name="Cohort counts").click()
    expect(page.get_by_role("heading", name="Biobank cohort builder")).to_be_visible()

    page.get_by_label("Sample type").select_option("serum")
    page.get_by_role("button", name="Count", exact=True).click()
    assert page.locator("#count-participants").inner_text() == "fewer than 11"

    page.get_by_label("Sample type").select_option("dna")
    page.get_by_label("Born in or before").fill("2100")
    page.get_by_role("button", name="Count", exact=True).click()
    # A bad year is explained, and nothing is counted.
    expect(page.locator("body")).to_contain_text("no later than")
    expect(page.locator("#count-participants")).to_have_count(0)
    page.get_by_label("Born in or before").fill("")
    page.get_by_role("button", name="Count", exact=True).click()
    shown = int(page.locator("#count-participants").inner_text())
    assert 11 <= shown <= 17  # 14, with its small fixed offset
    screenshot(page, "biobank/cohort")

    page.goto("/biobank/requests/new/sample/?sample_type=dna")
    assert page.get_by_label("Sample type").input_value() == "dna"
    page.get_by_label("IRB protocol number").fill("??")
    page.get_by_label("Number of samples").fill("20")
    page.get_by_role("button", name="Send the request").click()
    errors = page.locator("#form-errors")
    expect(errors).to_be_visible()
    assert "Enter the IRB protocol number" in page.content()
    screenshot(page, "biobank/request-form-errors")

    page.get_by_label("IRB protocol number").fill("IRB-2026-0142")
    page.get_by_label("Study title").fill("Vitamin D and bone density (synthetic)")
    page.get_by_label("Number of samples").fill("10")
    page.get_by_label("Purpose").fill("Measure vitamin D binding protein variants in DNA of adults.")
    page.get_by_role("button", name="Send the request").click()
    request = SampleRequest.objects.get()
    assert page.locator("#request-status").inner_text() == "Submitted"
    assert f"{request.reference} was sent to the biobank" in page.content()
    screenshot(page, "biobank/request-detail")

    page.get_by_role("link", name="My biobank requests").click()
    row = page.locator("#sample-requests tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(request.reference)
    screenshot(page, "biobank/my-requests")


@pytest.mark.django_db(transaction=True)
def test_cohort_page_on_a_phone(phone_page, login_as, screenshot, stocked):
    researcher = UserFactory(roles=[roles.RESEARCHER])
    grant_access(researcher)
    login_as(phone_page, researcher)
    phone_page.goto("/biobank/cohort/?sample_type=plasma&sex=F")
    assert phone_page.locator("#count-participants").inner_text() == "fewer than 11"
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    screenshot(phone_page, "biobank/cohort-phone")


@pytest.mark.django_db(transaction=True)
def test_staff_import_report_and_progress(page, login_as, screenshot, stocked, tmp_path):
    staff = UserFactory(roles=[roles.BIOBANK_STAFF], is_staff=True, full_name="Bea Biobank")
    ParticipantFactory(biobank_id="BB0900001")
    box_named("E1", "R1", "B1")
    login_as(page, staff)
    page.goto("/admin/biobank/sample/")
    page.get_by_role("link", name="Import samples (CSV)").click()
    bad = tmp_path / "samples.csv"
    bad.write_text("barcode,biobank_id,sample_type,collected_at,quantity,unit,freezer,rack,box,position\n"
                   "E2E-1,BB0900001,dna,2024-01-05,1,mL,E1,R1,B1,A1\n"
                   "E2E-2,BB0900001,saliva,2024-01-05,1,mL,E1,R1,B1,A2\n"
                   "E2E-3,BB0900009,dna,2024-01-05,1,mL,E1,R1,B1,A3\n"
                   "E2E-1,BB0900001,dna,2024-01-05,1,mL,E1,R1,B1,A4\n"
                   "E2E-5,BB0900001,dna,2999-01-05,1,mL,E1,R1,B1,A5\n"
                   "E2E-6,BB0900001,plasma,2024-01-05,1,mL,E1,R1,B1,A1\n")
    page.get_by_label("Samples").check()
    page.set_input_files("input[type=file]", str(bad))
    page.get_by_role("button", name="Check and import").click()
    expect(page.locator("#import-state")).to_contain_text("nothing was imported")
    expect(page.locator("#import-errors tbody tr")).to_have_count(5)
    screenshot(page, "biobank/import-errors")

    job = ImportJob.objects.create(kind="samples", file_name="freezer-3-inventory.csv", created_by=staff,
                                   status="running", rows_total=100_000)
    cache.set(importer.progress_key(job.pk), {"phase": "reading", "done": 42_000, "total": 100_000})
    page.goto(f"/admin/biobank/importjob/{job.pk}/change/")
    assert page.locator("#import-progress").get_attribute("value") == "42"
    assert "42,000 of 100,000 rows" in page.locator("#import-progress-text").inner_text()
    screenshot(page, "biobank/import-progress")


@pytest.mark.django_db(transaction=True)
def test_staff_review_fulfil_and_reveal(page, login_as, screenshot, stocked):
    from biobank.models import Participant
    from tests.biobank.factories import SampleRequestFactory

    staff = UserFactory(roles=[roles.BIOBANK_STAFF], is_staff=True, full_name="Bea Biobank")
    request = SampleRequestFactory(criteria={"sample_type": "plasma"}, samples_requested=4)
    login_as(page, staff)
    page.goto(f"/admin/biobank/samplerequest/{request.pk}/change/")
    for status in ("Under review", "Approved"):
        page.get_by_role("link", name="Change status").click()
        page.get_by_label("New status").select_option(label=status)
        page.get_by_role("button", name="Change status").click()
        expect(page.locator(".messagelist")).to_contain_text(f"is now {status.lower()}")
    page.get_by_role("link", name="Reserve and distribute samples").click()
    page.get_by_role("button", name="Reserve", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("4 sample(s) reserved")
    assert page.locator("#reserved-samples tbody tr").count() == 4
    screenshot(page, "biobank/admin-fulfil")
    page.get_by_role("button", name="Mark the reserved samples distributed").click()
    expect(page.locator(".messagelist")).to_contain_text("is fulfilled")
    request.refresh_from_db()
    assert request.status == "fulfilled"

    participant = Participant.objects.first()
    page.goto(f"/admin/biobank/participant/{participant.pk}/change/")
    assert participant.reveal_mrn() not in page.content()
    screenshot(page, "biobank/admin-participant")
    page.get_by_role("link", name="Show MRN").click()
    page.get_by_role("button", name="Show MRN").click()
    expect(page.locator("#revealed-mrn")).to_have_text(participant.reveal_mrn())
    screenshot(page, "biobank/admin-reveal")
