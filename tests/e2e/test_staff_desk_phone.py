"""The staff desk on a phone: a study's history reads without sideways scroll, words whole, the wide table
in a box of its own that a keyboard can scroll."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from accounts import roles
from accounts.permissions import sync_role_permissions
from tests.e2e.layout import fits_the_window, words_cut_in_two
from tests.factories import UserFactory
from tests.studies.factories import StudyFactory

pytestmark = pytest.mark.django_db(transaction=True)


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

