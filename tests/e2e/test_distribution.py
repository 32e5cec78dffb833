"""Biobank staff ship an order (pick list, shipment, labels); the researcher confirms receipt."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from accounts import roles
from accounts.permissions import sync_role_permissions
from biobank import services
from tests.biobank.factories import SampleFactory, SampleRequestFactory, box_named
from tests.factories import UserFactory


@pytest.mark.django_db(transaction=True)
def test_order_picked_shipped_labelled_and_received(page, login_as, screenshot):
    sync_role_permissions()
    staff = UserFactory(roles=[roles.BIOBANK_STAFF], is_staff=True, full_name="Bea Biobank")
    researcher = UserFactory(roles=[roles.RESEARCHER], full_name="Rae Researcher")
    box = box_named("F01", "R01", "B01")
    for n in range(6):
        SampleFactory(box=box, pos_row=n // 3 + 1, pos_col=n % 3 + 1, barcode=f"SHIP{n:04d}")
    request = SampleRequestFactory(researcher=researcher, status="approved", samples_requested=6)
    services.reserve_samples(request, by=staff)

    login_as(page, staff)
    page.goto(f"/admin/biobank/samplerequest/{request.pk}/fulfil/")
    page.get_by_role("button", name="Make a distribution order").click()
    expect(page.locator("table.distribution-items tbody tr")).to_have_count(6)
    screenshot(page, "biobank/pick-list")
    page.get_by_role("link", name="Ship the order").click()
    page.get_by_label("Recipient").fill("Dr Rae Researcher (synthetic), Lab 4, 1 Example Road")
    page.get_by_label("Courier").fill("DHL")
    page.get_by_role("button", name="Ship", exact=True).click()
    expect(page.locator(".errorlist")).to_contain_text("This field is required")
    page.get_by_label("Tracking number").fill("JD0146000")
    page.get_by_role("button", name="Ship", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("shipped")
    screenshot(page, "biobank/manifest")
    page.get_by_role("link", name="Labels").first.click()
    expect(page.locator(".sample-label")).to_have_count(6)
    screenshot(page, "biobank/labels")

    page.context.clear_cookies()
    login_as(page, researcher)
    page.goto(f"/biobank/requests/sample/{request.reference}/")
    page.get_by_role("link", name="BBD-").first.click()
    expect(page.locator("#tracking-number")).to_have_text("JD0146000")
    page.get_by_role("button", name="Confirm receipt").click()
    expect(page.locator("#order-status")).to_contain_text("Received")
    screenshot(page, "biobank/order-received")
