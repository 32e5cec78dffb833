"""The centres directory in a real browser, on a desktop and on a phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from accounts import demo as accounts_demo
from centers import demo as centers_demo
from tests.e2e.layout import fits_the_window


@pytest.fixture
def division(transactional_db):
    accounts_demo.load()
    centers_demo.load()


@pytest.mark.django_db(transaction=True)
def test_home_page_on_desktop_and_phone(page, phone_page, division, screenshot):
    page.goto("/")
    expect(page.get_by_text("through 10 centres and 15 units")).to_be_visible()
    screenshot(page, "foundation/home")
    phone_page.goto("/")
    assert fits_the_window(phone_page)
    screenshot(phone_page, "foundation/home-phone")


@pytest.mark.django_db(transaction=True)
def test_search_filter_and_open_a_centre_and_a_service(page, division, screenshot):
    page.goto("/centers/")
    expect(page.get_by_role("heading", name="Centres and units", level=1)).to_be_visible()
    expect(page.get_by_text("25 centres and units.")).to_be_visible()
    screenshot(page, "foundation/directory")

    page.get_by_label("Search by name, topic or service").fill("biostatistics")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/centers/?q=biostatistics*")
    cards = page.get_by_role("heading", level=2)
    assert cards.first.inner_text() == "Center for Biostatistics and Data Science"

    page.get_by_label("Search by name, topic or service").fill("")
    page.get_by_label("Show", exact=True).select_option(label="Units only")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**kind=unit*")
    expect(page.get_by_text("15 units.")).to_be_visible()
    assert "Translational Research Center" not in page.content()

    page.get_by_label("Search by name, topic or service").fill("zzzz nothing")
    page.get_by_label("Show", exact=True).select_option(label="Centres and units")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("No centre or unit matches “zzzz nothing”.")).to_be_visible()
    page.get_by_role("link", name="show them all").click()

    page.get_by_role("link", name="Translational Research Center").first.click()
    page.wait_for_url("**/centers/translational-research-center/")
    expect(page.get_by_role("heading", name="Translational Research Center", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="translational-research-center@dcr.example.org")).to_be_visible()

    page.goto("/centers/faculty-consultation-unit/")
    screenshot(page, "foundation/center")
    page.get_by_role("link", name="Faculty consultation").first.click()
    page.wait_for_url("**/centers/services/faculty-consultation/")
    expect(page.get_by_role("heading", name="Faculty consultation", level=1)).to_be_visible()
    expect(page.get_by_text("Free of charge")).to_be_visible()
    screenshot(page, "foundation/service")
    page.get_by_role("link", name="Faculty Consultation Unit").first.click()
    page.wait_for_url("**/centers/faculty-consultation-unit/")


@pytest.mark.django_db(transaction=True)
def test_the_researchers_page_lists_the_services(page, division, screenshot):
    page.goto("/researchers/")
    expect(page.get_by_role("heading", name="Research support", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="Faculty consultation")).to_be_visible()
    screenshot(page, "foundation/for-researchers")


@pytest.mark.django_db(transaction=True)
def test_on_a_phone_the_menu_collapses_and_the_directory_fits(phone_page, division, screenshot):
    phone_page.goto("/centers/")
    menu = phone_page.get_by_role("button", name="Show menu")
    expect(menu).to_be_visible()
    directory_link = phone_page.get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name="Centres and units")
    expect(directory_link).to_be_hidden()
    assert fits_the_window(phone_page)
    screenshot(phone_page, "foundation/directory-phone")

    menu.click()
    phone_page.locator("#mainNav.show").wait_for()  # the opening animation has finished
    directory_link.wait_for(state="visible")
    expect(phone_page.get_by_role("link", name="For Patients")).to_be_visible()
    assert menu.get_attribute("aria-expanded") == "true"
    screenshot(phone_page, "foundation/menu-phone", full_page=False)

    for path in ("/centers/translational-research-center/", "/centers/services/faculty-consultation/",
                 "/researchers/", "/accounts/signup/"):
        phone_page.goto(path)
        assert fits_the_window(phone_page), path
    screenshot(phone_page, "foundation/signup-phone")
