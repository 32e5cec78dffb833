import pytest

from tests.factories import CenterFactory


@pytest.mark.django_db(transaction=True)
def test_home_page_leads_to_the_three_audiences(page, screenshot):
    CenterFactory(name="Translational Research Center")
    page.goto("/")
    assert page.get_by_role("heading", name="Division of Clinical Research").is_visible()
    for name in ("For Patients", "For Researchers", "For Collaborators"):
        assert page.get_by_role("link", name=name).first.is_visible()
    screenshot(page, "foundation/home")
