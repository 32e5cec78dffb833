import pytest
from playwright.sync_api import expect

from tests.factories import CenterFactory


@pytest.mark.django_db(transaction=True)
def test_home_page_leads_to_the_three_audiences(page, screenshot):
    CenterFactory(name="Translational Research Center")
    page.goto("/")
    expect(page.get_by_role("heading", name="Division of Clinical Research")).to_be_visible()
    for name in ("For Patients", "For Researchers", "For Collaborators"):
        expect(page.get_by_role("link", name=name).first).to_be_visible()
    screenshot(page, "foundation/home")
