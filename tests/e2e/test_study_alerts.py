"""Browser journey of a study alert: a visitor saves a finder search, confirms it from the emailed
link, gets a digest, and unsubscribes from the link the digest carries; the same pages on a phone."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from notifications.models import OutboxEmail
from studies import alert_matching, alerts
from studies.alert_models import StudyAlert
from studies.models import Study
from tests.e2e.layout import fits_the_window
from tests.studies.factories import ConditionFactory, StudyFactory

pytestmark = pytest.mark.django_db(transaction=True)
ADDRESS = "robin.visitor@example.org"


def path_of(url: str) -> str:
    return url[url.index("/studies/"):]


def test_a_visitor_saves_a_search_confirms_it_and_unsubscribes(page, screenshot):
    asthma = ConditionFactory(name="Asthma", slug="asthma")
    StudyFactory(lay_title="Asthma and exercise", conditions=[asthma])

    page.goto("/studies/?condition=asthma")
    page.get_by_role("link", name="Email me new studies like these").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Email me new studies like these")
    expect(page.locator("p.lead").first).to_contain_text("Condition: Asthma")
    page.get_by_label("Your email address").fill(ADDRESS)
    screenshot(page, "studies/alert-1-visitor-form")
    page.get_by_role("button", name="Send me the link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    alert = StudyAlert.objects.get(email=ADDRESS)
    assert alert.confirmed_at is None
    assert list(OutboxEmail.objects.values_list("template", flat=True)) == ["study_alert_confirm"]

    page.goto(path_of(OutboxEmail.objects.get(template="study_alert_confirm").context["confirm_url"]))
    expect(page.locator("p.lead")).to_have_text("Shall we email you about new studies like these: Condition: Asthma?")
    page.get_by_role("button", name="Yes, start my alert").click()
    expect(page.locator("#alert-confirmed")).to_contain_text("is on")
    screenshot(page, "studies/alert-2-confirmed")

    new = StudyFactory(lay_title="Breathing better with asthma", conditions=[asthma])
    Study.objects.filter(pk=new.pk).update(updated_at=timezone.now() + timedelta(seconds=1))
    alert_matching.run(timezone.now() + timedelta(seconds=2))
    digest = OutboxEmail.objects.get(template="study_alert_digest")
    assert [row["title"] for row in digest.context["studies"]] == ["Breathing better with asthma"]

    page.goto(path_of(digest.headers["List-Unsubscribe"].strip("<>")))
    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.locator("#alert-unsubscribed")).to_contain_text("You are unsubscribed")
    screenshot(page, "studies/alert-3-unsubscribed")
    assert not StudyAlert.objects.filter(email=ADDRESS).exists()


def test_a_long_search_and_its_alert_pages_fit_a_phone(phone_page, screenshot):
    page = phone_page
    pasted = "https://clinicaltrials.gov/study/NCT01234567-walking-after-meals-in-diabetes"
    page.goto(f"/studies/alerts/new/?{urlencode({'q': pasted})}")
    expect(page.locator("p.lead").first).to_contain_text(pasted)
    assert fits_the_window(page)  # the pasted address breaks instead of pushing the page sideways
    # The frequency choices line up under their heading, as the portal's other choices do.
    heading = page.locator("legend", has_text="How often").bounding_box()
    for choice in ("Daily", "Weekly"):
        assert abs(page.get_by_label(choice).bounding_box()["x"] - heading["x"]) <= 1, choice
    page.get_by_role("button", name="Send me the link").click()  # no address yet
    address = page.get_by_label("Your email address")
    expect(address).to_have_attribute("aria-invalid", "true")  # told as invalid, as Django's own fields are
    expect(address).to_have_accessible_description("Enter the email address the alerts should go to.")
    assert fits_the_window(page)
    address.fill(ADDRESS)
    screenshot(page, "studies/alert-phone-1-form")
    page.get_by_role("button", name="Send me the link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")

    page.goto(path_of(OutboxEmail.objects.get(template="study_alert_confirm").context["confirm_url"]))
    expect(page.locator("p.lead")).to_contain_text(pasted)
    assert fits_the_window(page)
    page.get_by_role("button", name="Yes, start my alert").click()
    expect(page.locator("#alert-confirmed")).to_contain_text(pasted)
    assert fits_the_window(page)
    screenshot(page, "studies/alert-phone-2-confirmed")

    page.goto(path_of(alerts.unsubscribe_url(StudyAlert.objects.get(email=ADDRESS))))
    expect(page.locator("p.lead")).to_contain_text(pasted)
    assert fits_the_window(page)
    screenshot(page, "studies/alert-phone-3-unsubscribe")
