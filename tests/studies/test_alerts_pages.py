"""Saving a finder search as an alert (signed in: one click; visitor: double opt-in), the links of the
emails (confirm, unsubscribe), and "My alerts" (rename, frequency, delete; nobody else's)."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.core import signing
from django.urls import reverse

from accounts import roles
from notifications.models import OutboxEmail
from studies import alerts
from studies.alert_models import StudyAlert
from tests.factories import UserFactory

from .factories import ConditionFactory, StudyFactory

pytestmark = pytest.mark.django_db
ADDRESS = "robin.visitor@example.org"
NEW = "/studies/alerts/new/"
MINE = "/studies/alerts/"


@pytest.fixture
def asthma(db):
    condition = ConditionFactory(name="Asthma", slug="asthma")
    StudyFactory(lay_title="Asthma inhaler study", conditions=[condition])
    return condition


def visitor_asks(client, query="condition=asthma", email=ADDRESS):
    return client.post(NEW, {"search": query, "email": email, "frequency": "weekly"})


def confirm_url() -> str:
    email = OutboxEmail.objects.get(template="study_alert_confirm", recipient=ADDRESS)
    return email.context["confirm_url"].split("testserver")[-1].replace("http://127.0.0.1:8000", "")


def test_the_finder_offers_the_alert_with_the_search(client, asthma, patient):
    body = client.get("/studies/?condition=asthma").content.decode()
    assert f'href="{NEW}?condition=asthma"' in body and "Email me new studies like these" in body

    client.force_login(patient)
    body = client.get("/studies/?condition=asthma").content.decode()
    assert 'form="save-alert-form"' in body and 'name="search" value="condition=asthma"' in body


def test_a_signed_in_patient_saves_a_search_in_one_click_and_finds_it_in_my_alerts(client, asthma, patient):
    client.force_login(patient)
    response = client.post(NEW, {"search": "condition=asthma&sort=newest"})

    assert response.status_code == 302 and response["Location"] == MINE
    alert = StudyAlert.objects.get(user=patient)
    assert (alert.query, alert.condition, alert.frequency) == ("condition=asthma", "asthma", "weekly")
    assert alert.is_confirmed and alert.email == patient.email
    assert OutboxEmail.objects.count() == 0  # no confirmation for an account's own address
    page = client.get(MINE).content.decode()
    assert "Condition: Asthma" in page and 'href="/studies/?condition=asthma"' in page
    client.post(NEW, {"search": "condition=asthma"})
    assert StudyAlert.objects.filter(user=patient).count() == 1  # the same search twice is one alert


def test_my_alerts_is_in_the_patients_work_menu(client, patient):
    client.force_login(patient)
    assert f'href="{MINE}"' in client.get("/").content.decode()


def test_a_visitor_gets_a_confirmation_email_and_nothing_else_until_they_confirm(client, asthma):
    response = visitor_asks(client)

    assert response.status_code == 302 and response["Location"] == reverse("studies:alert_sent")
    alert = StudyAlert.objects.get(email=ADDRESS)
    assert not alert.is_confirmed
    assert list(OutboxEmail.objects.values_list("template", flat=True)) == ["study_alert_confirm"]

    page = client.get(confirm_url())
    assert page.status_code == 200 and "Yes, start my alert" in page.content.decode()
    alert.refresh_from_db()
    assert not alert.is_confirmed  # opening the link (a mail scanner does) confirms nothing

    done = client.post(confirm_url())
    assert "is on" in done.content.decode()
    alert.refresh_from_db()
    assert alert.is_confirmed


def test_an_expired_link_and_a_bad_link_say_what_to_do(client, asthma):
    visitor_asks(client)
    url = confirm_url()
    later = signing.time.time() + alerts.CONFIRM_MAX_AGE.total_seconds() + 60
    with mock.patch("django.core.signing.time.time", return_value=later):
        expired = client.post(url)
    assert expired.status_code == 400 and "This link has expired" in expired.content.decode()
    assert not StudyAlert.objects.get(email=ADDRESS).is_confirmed

    bad = client.get(reverse("studies:alert_confirm", args=["not-a-valid-token"]))
    assert bad.status_code == 400 and "This link is not valid" in bad.content.decode()


def test_a_visitor_form_without_a_valid_address_keeps_the_search(client, asthma):
    response = client.post(NEW, {"search": "condition=asthma", "email": "not-an-address", "frequency": "weekly"})
    body = response.content.decode()
    assert response.status_code == 400 and "Enter an email address like name@example.org." in body
    assert 'value="condition=asthma"' in body
    assert not StudyAlert.objects.exists()


def test_the_visitor_form_is_rate_limited_per_address(client, asthma):
    for _ in range(5):
        assert visitor_asks(client).status_code == 302
    response = visitor_asks(client)
    assert response.status_code == 429 and "several requests" in response.content.decode()
    assert OutboxEmail.objects.filter(template="study_alert_confirm").count() == 5


def test_the_unsubscribe_link_shows_a_confirm_page_and_its_post_unsubscribes(client, asthma, patient):
    alert = alerts.create_for_user(user=patient, params=alerts.QueryDict("condition=asthma"), name="Asthma",
                                   language="en")
    url = reverse("studies:alert_unsubscribe", args=[alerts.unsubscribe_token(alert)])

    page = client.get(url)
    assert page.status_code == 200 and "Unsubscribe" in page.content.decode()
    assert StudyAlert.objects.filter(pk=alert.pk).exists()
    assert "You are unsubscribed" in client.post(url).content.decode()
    assert not StudyAlert.objects.filter(pk=alert.pk).exists()
    assert client.post(url).status_code == 200  # a second click says the same

    bad = client.post(reverse("studies:alert_unsubscribe", args=["forged"]))
    assert bad.status_code == 400 and "This link is not valid" in bad.content.decode()


def test_rename_change_frequency_and_delete(client, asthma, patient):
    alert = alerts.create_for_user(user=patient, params=alerts.QueryDict("condition=asthma"), name="Asthma",
                                   language="en")
    client.force_login(patient)

    client.post(reverse("studies:alert_edit", args=[alert.pk]), {"name": "Breathing", "frequency": "daily"})
    alert.refresh_from_db()
    assert (alert.name, alert.frequency) == ("Breathing", "daily")
    client.post(reverse("studies:alert_delete", args=[alert.pk]))
    assert not StudyAlert.objects.filter(pk=alert.pk).exists()


def test_nobody_sees_changes_or_deletes_another_persons_alert(client, asthma, patient):
    alert = alerts.create_for_user(user=patient, params=alerts.QueryDict("condition=asthma"), name="Asthma mine",
                                   language="en")
    other = UserFactory(roles=[roles.PATIENT])
    client.force_login(other)

    assert "Asthma mine" not in client.get(MINE).content.decode()
    assert client.post(reverse("studies:alert_edit", args=[alert.pk]),
                       {"name": "Taken", "frequency": "daily"}).status_code == 404
    assert client.post(reverse("studies:alert_delete", args=[alert.pk])).status_code == 404
    alert.refresh_from_db()
    assert alert.name == "Asthma mine"


def test_the_saved_studies_alert_is_switched_on_and_off(client, patient):
    client.force_login(patient)
    client.post(reverse("studies:alert_saved_studies"), {"action": "on"})
    assert StudyAlert.objects.filter(user=patient, kind="saved").count() == 1
    assert "Stop these emails" in client.get(MINE).content.decode()
    client.post(reverse("studies:alert_saved_studies"), {"action": "off"})
    assert not StudyAlert.objects.filter(user=patient).exists()


def test_my_alerts_page_queries_do_not_grow_with_the_alerts(client, patient, django_assert_max_num_queries):
    for number in range(12):
        condition = ConditionFactory(name=f"Topic {number}", slug=f"topic-{number}")
        alerts.create_for_user(user=patient, params=alerts.QueryDict(f"condition={condition.slug}"),
                               name=f"Topic {number}", language="en")
    alerts.set_saved_studies_alert(user=patient, on=True, language="en")
    client.force_login(patient)
    client.get(MINE)
    with django_assert_max_num_queries(6):
        body = client.get(MINE).content.decode()
    assert body.count('action="/studies/alerts/') >= 12 * 2


def test_an_unknown_place_cannot_be_followed(client, asthma):
    response = client.get(f"{NEW}?near=Nowhereville%20Zzz")
    assert response.status_code == 400 and "cannot be followed" in response.content.decode()
    response = client.post(NEW, {"search": "near=Nowhereville Zzz", "email": ADDRESS, "frequency": "weekly"})
    assert response.status_code == 400 and not StudyAlert.objects.exists()


def test_old_unconfirmed_alerts_are_deleted(asthma):
    alert = alerts.subscribe_visitor(email=ADDRESS, params=alerts.QueryDict("condition=asthma"), name="x",
                                     language="en")
    StudyAlert.objects.filter(pk=alert.pk).update(created_at=alert.created_at - alerts.CONFIRM_MAX_AGE
                                                  - timedelta(minutes=1))
    assert alerts.expire_unconfirmed() == 1
