"""A consultation's whole life in a real browser: filed by a researcher, taken up on the staff desk,
answered, and followed by the researcher."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import expect

from accounts import roles
from consultations.models import ConsultationRequest, Status
from tests.factories import CenterFactory, ServiceFactory, StaffMembershipFactory, UserFactory

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def people(db):
    center = CenterFactory(name="Center for Biostatistics")
    service = ServiceFactory(name="Biostatistics", slug="biostatistics", center=center, typical_hours_max=8)
    researcher = UserFactory(roles=[roles.RESEARCHER], full_name="Rae Researcher", email="rae@example.org")
    staff = UserFactory(roles=[roles.DCR_STAFF], is_staff=True, full_name="Stella Staff", email="stella@example.org")
    StaffMembershipFactory(user=staff, center=center)
    return {"service": service, "researcher": researcher, "staff": staff}


@pytest.mark.django_db(transaction=True)
def test_researcher_files_staff_assign_and_answer_researcher_sees_it(
        browser, live_server, page, login_as, screenshot, people, tmp_path):
    researcher, staff, service = people["researcher"], people["staff"], people["service"]
    protocol = tmp_path / "draft-protocol.pdf"
    protocol.write_bytes(PDF)

    # The researcher starts from the service page.
    login_as(page, researcher)
    page.goto(service.get_absolute_url())
    page.get_by_role("link", name="Request this service").click()
    page.wait_for_url("**/consultations/new/?service=biostatistics")
    assert page.get_by_label("Service").input_value() == str(service.pk)

    # A first try with mistakes: clear messages, nothing typed is lost.
    page.get_by_label("Title of your project").fill("Sample size for a walking trial")
    page.get_by_label("Project summary").fill("Too short")
    page.get_by_label("Where is your study now?").select_option("protocol")
    page.get_by_label("Funding").select_option("industry")
    # (A past deadline is stopped by the browser itself: the date field has a minimum.)
    assert page.get_by_label("Deadline (optional)").get_attribute("min") == datetime.date.today().isoformat()
    page.get_by_role("button", name="Send my request").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Your request has not been sent yet.")).to_be_visible()
    expect(page.get_by_text("at least 20 characters")).to_be_visible()
    expect(page.get_by_text("Name the sponsor or funder of the study.")).to_be_visible()
    assert page.get_by_label("Title of your project").input_value() == "Sample size for a walking trial"
    screenshot(page, "consultations/1-form-with-errors")

    # Corrected, with a document.
    deadline = datetime.date.today() + datetime.timedelta(days=60)
    page.get_by_label("Project summary").fill("We plan a trial of a walking programme in 120 adults with knee "
                                              "pain and need a sample size and an analysis plan.")
    page.get_by_label("Sponsor or funder").fill("Example Devices Inc.")
    page.get_by_label("Deadline (optional)").fill(deadline.isoformat())
    page.get_by_label("Attach files (optional)").set_input_files(str(protocol))
    page.get_by_role("button", name="Send my request").click()
    page.wait_for_url("**/consultations/DCR-*/")
    consultation = ConsultationRequest.objects.get()
    expect(page.get_by_text(f"Your request {consultation.reference} was sent")).to_be_visible()
    assert page.locator("#request-status").inner_text() == "Submitted"
    expect(page.get_by_role("link", name="draft-protocol.pdf")).to_be_visible()
    screenshot(page, "consultations/2-detail-submitted")

    page.goto("/consultations/mine/")
    row = page.get_by_role("row", name=consultation.reference)
    # A priced service: no free allotment of hours to count down ("0 of 8" is the faculty consultation's only).
    assert "Not yet assigned" in row.inner_text() and "of 8" not in row.inner_text()
    screenshot(page, "consultations/3-my-requests")

    # Staff find it on the desk, assign it to themselves and write to the researcher.
    staff_context = browser.new_context(viewport={"width": 1600, "height": 900}, base_url=live_server.url)
    desk = staff_context.new_page()
    desk.set_default_timeout(10_000)
    login_as(desk, staff)
    desk.goto("/admin/consultations/consultationrequest/")
    desk.reload()  # a second visit comes from the triage cache: its form must carry this person's token
    expect(desk.get_by_role("link", name=consultation.reference)).to_be_visible()
    screenshot(desk, "consultations/4-admin-changelist")
    desk.locator(f'input[name="_selected_action"][value="{consultation.pk}"]').check()
    desk.locator('select[name="action"]').select_option("assign_to_me")
    desk.get_by_role("button", name="Go").click()
    desk.wait_for_load_state()
    expect(desk.get_by_text("1 request assigned to you.")).to_be_visible()
    desk.reload()  # the kept list was forgotten when the request changed
    expect(desk.locator("#result_list").get_by_text("Stella Staff")).to_be_visible()
    expect(desk.get_by_text("1 request assigned to you.")).to_be_hidden()

    desk.get_by_role("link", name=consultation.reference).click()
    desk.locator('textarea[name="messages-0-body"]').fill("Happy to help. Could we meet on Thursday at 10?")
    desk.get_by_role("button", name="Save and continue editing").click()
    desk.wait_for_load_state()
    expect(desk.get_by_text("Happy to help. Could we meet on Thursday at 10?")).to_be_visible()
    screenshot(desk, "consultations/5-admin-change-page")
    staff_context.close()

    # The researcher sees the consultant, the new status and the message.
    page.goto(consultation.get_absolute_url())
    assert page.locator("#request-status").inner_text() == "Assigned"
    assert page.locator("#request-consultant").inner_text() == "Stella Staff"
    expect(page.get_by_text("Happy to help. Could we meet on Thursday at 10?")).to_be_visible()
    screenshot(page, "consultations/6-detail-assigned-with-message")
    consultation.refresh_from_db()
    assert (consultation.status, consultation.assignee) == (Status.ASSIGNED, staff)


@pytest.mark.django_db(transaction=True)
def test_my_requests_and_a_request_read_well_on_a_phone(phone_page, login_as, screenshot, people):
    from consultations import services

    researcher = people["researcher"]
    consultation = services.submit_request(
        requester=researcher, service=people["service"], title="Registry of knee replacement outcomes",
        summary="An outcomes registry: we need help with the data model and the analysis plan.",
        study_stage="protocol", funding_status="unfunded")
    services.post_message(consultation, author=people["staff"], body="Thanks, we will be in touch this week.")
    login_as(phone_page, researcher)
    phone_page.goto("/consultations/mine/")
    expect(phone_page.get_by_role("link", name=consultation.reference)).to_be_visible()
    screenshot(phone_page, "consultations/7-phone-my-requests")
    phone_page.get_by_role("link", name=consultation.reference).click()
    expect(phone_page.get_by_text("Thanks, we will be in touch this week.")).to_be_visible()
    screenshot(phone_page, "consultations/8-phone-detail")
    phone_page.goto("/consultations/new/")
    screenshot(phone_page, "consultations/9-phone-form")
