"""A researcher works a budget on a phone: the totals and the calendar scroll in boxes of their own with their
captions on the screen, and an arm, a visit and a procedure are renamed, moved and removed."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from accounts import roles
from budgets import services
from projects import services as projects
from tests.e2e.layout import fits_the_window, on_screen
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def researcher():
    return UserFactory(roles=[roles.RESEARCHER], full_name="Rae Researcher (synthetic)")


@pytest.fixture
def budget(researcher):
    project = projects.create_project(by=researcher, title="Walking after meals (synthetic pilot)",
                                      funding_type="federal")
    budget = services.create_budget(by=researcher, project=project, title="Walking pilot budget",
                                    sponsor_type="federal")
    services.add_arm(budget, by=researcher, name="Arm B: supervised walking after every meal with a coach")
    services.add_visit(budget, by=researcher, name="Week 12 follow-up and end-of-study questionnaire")
    services.add_procedure(budget, by=researcher, name="Hemoglobin A1c blood test", unit_cost=Decimal("42.50"))
    services.add_procedure(budget, by=researcher, name="Continuous glucose monitor fitting",
                           unit_cost=Decimal("310"))
    return budget


def test_the_budget_tables_scroll_in_their_own_boxes_on_a_phone(phone_page, login_as, screenshot, researcher,
                                                                budget):
    page = phone_page
    login_as(page, researcher)
    page.goto(budget.get_absolute_url())
    for name in ("Direct costs per patient and per arm", "How many times each procedure is done"):
        box = page.get_by_role("region", name=name)
        assert box.get_attribute("tabindex") == "0", name  # a keyboard scrolls it
        assert box.evaluate("box => box.scrollWidth > box.clientWidth"), name
        assert on_screen(page, box.locator("caption")), name  # read whole, without scrolling the table
    assert fits_the_window(page)
    screenshot(page, "budgets/phone-budget")


def test_a_researcher_renames_moves_and_removes_parts_on_a_phone(phone_page, login_as, screenshot, researcher,
                                                                 budget):
    page = phone_page
    login_as(page, researcher)
    page.goto(budget.get_absolute_url())
    page.get_by_role("link", name="Rename, move or remove Arm A").click()
    page.get_by_label("New name").fill("Arm A: usual care")
    page.get_by_role("button", name="Rename the arm").click()
    expect(page.get_by_text("Renamed: kept as version 1.")).to_be_visible()
    assert fits_the_window(page)

    page.get_by_role("link", name="Rename, move or remove Arm A: usual care").click()
    page.get_by_role("button", name="Move down").click()
    expect(page.get_by_text("Moved: kept as version 2.")).to_be_visible()
    expect(page.get_by_text("Arm 2 of 2")).to_be_visible()
    assert fits_the_window(page)
    screenshot(page, "budgets/phone-arm")

    page.goto(budget.get_absolute_url())
    page.get_by_text("Rename, move or remove a visit").click()
    page.get_by_role("link", name="Week 12 follow-up and end-of-study questionnaire").click()
    page.get_by_role("link", name="Remove the visit…").click()
    assert fits_the_window(page)
    screenshot(page, "budgets/phone-remove-visit")
    page.get_by_role("button", name="Remove “Week 12 follow-up and end-of-study questionnaire”").click()
    expect(page.get_by_text("is removed: kept as version 3.")).to_be_visible()
    assert fits_the_window(page)
