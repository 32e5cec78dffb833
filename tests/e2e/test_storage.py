"""Biobank staff read a box map with the mouse, the keyboard and on a phone, and move a sample."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from accounts import roles
from accounts.permissions import sync_role_permissions
from tests.biobank.factories import SampleFactory, box_named
from tests.factories import UserFactory


@pytest.fixture
def box(transactional_db):
    sync_role_permissions()
    box = box_named("F01", "R01", "B01", rows=10, columns=10)
    for n in range(37):
        SampleFactory(box=box, pos_row=n // 10 + 1, pos_col=n % 10 + 1, barcode=f"MAP{n:05d}",
                      sample_type=["dna", "plasma", "serum"][n % 3],
                      status="reserved" if n in (4, 5) else "withdrawn" if n == 9 else "available")
    SampleFactory(box=box, pos_row=5, pos_col=5, status="distributed", barcode="SHIPPED01")
    return box


@pytest.mark.django_db(transaction=True)
def test_box_map_by_keyboard_and_hover(page, login_as, screenshot, box):
    staff = UserFactory(roles=[roles.BIOBANK_STAFF], is_staff=True, full_name="Bea Biobank")
    login_as(page, staff)
    page.goto("/admin/biobank/storagecontainer/utilisation/")
    assert "37 of 100 positions used (37%)" in page.content()
    screenshot(page, "biobank/storage-utilisation")
    page.get_by_role("link", name="Box B01").click()
    cells = page.locator("[data-cell]")
    expect(cells).to_have_count(100)
    cells.first.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowDown")
    focused = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert focused.startswith("B2: Occupied, MAP00011")
    expect(page.locator(".box-cell:focus-within .box-tip")).to_be_visible()
    screenshot(page, "biobank/box-map-keyboard")
    page.locator("[aria-label^=\"E5: Free (last sample distributed), SHIPPED01\"]").hover()
    assert page.locator(".box-cell:hover .box-tip").inner_text().startswith("E5")
    page.get_by_role("link", name="A1: Occupied, MAP00000, DNA").click()
    page.get_by_role("link", name="Move").click()
    page.get_by_label("Position").fill("J10")
    page.get_by_label("Why").fill("Tidying the box")
    page.get_by_role("button", name="Move the sample").click()
    expect(page.locator(".messagelist")).to_contain_text("moved to F01 / R01 / B01 / J10")
    screenshot(page, "biobank/sample-moved")


@pytest.mark.django_db(transaction=True)
def test_box_map_on_a_phone(phone_page, login_as, screenshot, box):
    staff = UserFactory(roles=[roles.BIOBANK_STAFF], is_staff=True, full_name="Bea Biobank")
    login_as(phone_page, staff)
    phone_page.goto(f"/admin/biobank/storagecontainer/{box.pk}/map/")
    assert phone_page.locator("[data-cell]").count() == 100
    screenshot(phone_page, "biobank/box-map-phone")
    phone_page.locator("[data-cell]").nth(4).tap()  # a position opens its sample
    expect(phone_page.locator(".field-storage")).to_contain_text("F01 / R01 / B01 / A5")
