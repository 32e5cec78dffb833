"""The alert run: new matching studies and status changes, one digest per alert and period, never a
study twice for the same news, the unsubscribe headers on the message that goes out."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.http import QueryDict
from django.utils import timezone

from notifications.models import OutboxEmail
from studies import alert_matching, alerts, services
from studies.alert_models import StudyAlert, StudyAlertItem
from studies.models import Location, Study

from .factories import ConditionFactory, StudyFactory

pytestmark = pytest.mark.django_db
ADDRESS = "sam.reader@example.org"
# A Wednesday noon; the next run a day later is in the same ISO week, a week later is not.
WEDNESDAY = datetime(2026, 12, 2, 12, 0, tzinfo=ZoneInfo("UTC"))


def follow(query: str, *, user=None, frequency=StudyAlert.Frequency.WEEKLY, when=WEDNESDAY) -> StudyAlert:
    params = QueryDict(query)
    if user is not None:
        alert = alerts.create_for_user(user=user, params=params, name=query, language="en")
    else:
        alert = alerts.subscribe_visitor(email=ADDRESS, params=params, name=query, language="en")
        alerts.confirm(alerts.confirm_token(alert))
    StudyAlert.objects.filter(pk=alert.pk).update(frequency=frequency, checked_at=when - timedelta(hours=1))
    alert.refresh_from_db()
    return alert


def touch(study: Study, when: datetime, **changes) -> None:
    """Change a study as of ``when`` (updated_at is the run's view of "changed")."""
    for name, value in changes.items():
        setattr(study, name, value)
    study.save()
    Study.objects.filter(pk=study.pk).update(updated_at=when)


def digests(alert: StudyAlert | None = None):
    emails = OutboxEmail.objects.filter(template="study_alert_digest").order_by("pk")
    return list(emails.filter(idempotency_key__startswith=f"study-alert:{alert.pk}:") if alert else emails)


def titles(email: OutboxEmail) -> list[str]:
    return [row["title"] for row in email.context["studies"]]


@pytest.fixture
def asthma(db):
    return ConditionFactory(name="Asthma", slug="asthma")


def test_a_new_public_study_that_matches_is_mailed_and_one_that_does_not_is_not(asthma):
    already = StudyFactory(lay_title="Asthma inhaler study", conditions=[asthma])
    alert = follow("condition=asthma")
    new = StudyFactory(lay_title="Breathing better with asthma", conditions=[asthma], nct_id="NCT01234567")
    StudyFactory(lay_title="A sleep study")  # does not match
    StudyFactory(lay_title="Hidden asthma study", conditions=[asthma], is_public=False)
    for study in Study.objects.all():
        touch(study, WEDNESDAY)

    report = alert_matching.run(WEDNESDAY + timedelta(minutes=5))

    [email] = digests(alert)
    assert titles(email) == [new.lay_title]  # the study that already matched is not news
    row = email.context["studies"][0]
    assert row["registry_id"] == "NCT01234567" and row["is_new"]
    assert row["url"].endswith(f"/studies/{new.pk}/")
    assert email.recipient == ADDRESS
    assert already.lay_title not in str(email.context)
    assert report.emails == 1


def test_every_finder_filter_is_matched_like_the_finder(asthma, center_a):
    StudyFactory(lay_title="Other centre, asthma", conditions=[asthma])
    wanted = StudyFactory(lay_title="Asthma in older adults", conditions=[asthma], center=center_a, min_age=60,
                          max_age=None, sex=Study.Sex.ALL, healthy_volunteers=True, phase=Study.Phase.PHASE_3,
                          keywords="inhaler")
    StudyFactory(lay_title="Asthma in children", conditions=[asthma], center=center_a, max_age=17,
                 healthy_volunteers=True, phase=Study.Phase.PHASE_3, keywords="inhaler")
    Location.objects.create(study=wanted, city="Boston", latitude=42.36, longitude=-71.06)
    alert = follow(f"q=inhaler&condition=asthma&center={center_a.slug}&age=70&sex=female&healthy=on&phase=3"
                   f"&near=02115&distance=25", when=WEDNESDAY - timedelta(days=2))
    StudyAlertItem.objects.filter(alert=alert).delete()  # as if they had all opened after the alert began
    for study in Study.objects.all():
        touch(study, WEDNESDAY)

    alert_matching.run(WEDNESDAY)

    assert titles(digests(alert)[0]) == [wanted.lay_title]


def test_a_followed_study_that_changes_status_is_mailed_once_per_change(asthma):
    study = StudyFactory(lay_title="Asthma and exercise", conditions=[asthma], status=Study.Status.NOT_YET_RECRUITING)
    alert = follow("condition=asthma", frequency=StudyAlert.Frequency.DAILY)
    touch(study, WEDNESDAY, status=Study.Status.RECRUITING)

    alert_matching.run(WEDNESDAY + timedelta(minutes=1))
    touch(study, WEDNESDAY + timedelta(days=1), lay_title="Asthma and exercise (renamed)")  # no new status
    alert_matching.run(WEDNESDAY + timedelta(days=1, minutes=1))

    [email] = digests(alert)
    row = email.context["studies"][0]
    assert (row["is_new"], row["status"]) == (False, "Recruiting")
    assert StudyAlertItem.objects.get(alert=alert, study=study).status == Study.Status.RECRUITING


def test_a_study_is_never_mailed_twice_and_a_second_run_in_the_period_sends_nothing(asthma, outbox,
                                                                                  django_capture_on_commit_callbacks):
    alert = follow("condition=asthma", frequency=StudyAlert.Frequency.DAILY)
    study = StudyFactory(lay_title="Asthma at night", conditions=[asthma])
    touch(study, WEDNESDAY)

    with django_capture_on_commit_callbacks(execute=True):
        alert_matching.run(WEDNESDAY + timedelta(minutes=5))
        alert_matching.run(WEDNESDAY + timedelta(minutes=65))  # the next hourly run, same day
    touch(study, WEDNESDAY + timedelta(days=1), summary="An edited summary.")
    with django_capture_on_commit_callbacks(execute=True):
        alert_matching.run(WEDNESDAY + timedelta(days=1, minutes=5))  # next day: the study is not news again

    assert len(digests(alert)) == 1
    assert len(outbox) == 1


def test_a_weekly_alert_gets_at_most_one_digest_a_week(asthma):
    alert = follow("condition=asthma")
    first = StudyFactory(lay_title="Asthma one", conditions=[asthma])
    touch(first, WEDNESDAY)
    alert_matching.run(WEDNESDAY + timedelta(minutes=5))
    second = StudyFactory(lay_title="Asthma two", conditions=[asthma])
    touch(second, WEDNESDAY + timedelta(days=1))

    alert_matching.run(WEDNESDAY + timedelta(days=1, minutes=5))  # same ISO week: waits
    assert [titles(email) for email in digests(alert)] == [["Asthma one"]]

    alert_matching.run(WEDNESDAY + timedelta(days=5))  # Monday of the next week
    assert [titles(email) for email in digests(alert)] == [["Asthma one"], ["Asthma two"]]


def test_nothing_is_sent_for_an_unconfirmed_visitor_alert_and_it_expires(asthma):
    alert = alerts.subscribe_visitor(email=ADDRESS, params=QueryDict("condition=asthma"), name="Asthma",
                                     language="en")
    touch(StudyFactory(conditions=[asthma]), timezone.now())

    alert_matching.run()
    assert digests() == []

    alert_matching.run(timezone.now() + alerts.CONFIRM_MAX_AGE + timedelta(minutes=1))
    assert not StudyAlert.objects.filter(pk=alert.pk).exists()


def test_the_saved_studies_alert_tells_when_a_saved_study_opens(patient):
    saved = StudyFactory(lay_title="Saved, opening soon", status=Study.Status.NOT_YET_RECRUITING)
    unsaved = StudyFactory(lay_title="Not saved", status=Study.Status.NOT_YET_RECRUITING)
    services.set_saved(user=patient, study=saved, saved=True)
    alert = alerts.set_saved_studies_alert(user=patient, on=True, language="en")
    StudyAlert.objects.filter(pk=alert.pk).update(checked_at=WEDNESDAY - timedelta(hours=1))
    touch(saved, WEDNESDAY, status=Study.Status.RECRUITING)
    touch(unsaved, WEDNESDAY, status=Study.Status.RECRUITING)

    alert_matching.run(WEDNESDAY + timedelta(minutes=5))

    [email] = digests(alert)
    assert titles(email) == ["Saved, opening soon"]
    assert email.recipient == patient.email
    assert email.context["is_saved_list"]


def test_the_sent_digest_carries_one_click_unsubscribe_headers_and_no_protected_data(
        asthma, patient, client, outbox, django_capture_on_commit_callbacks):
    alert = follow("condition=asthma", user=patient)
    touch(StudyFactory(lay_title="Asthma and air", conditions=[asthma], nct_id="NCT07654321"), WEDNESDAY)

    with django_capture_on_commit_callbacks(execute=True):
        alert_matching.run(WEDNESDAY + timedelta(minutes=5))

    [message] = outbox
    unsubscribe = message.extra_headers["List-Unsubscribe"]
    assert unsubscribe.startswith("<http") and "/studies/alerts/unsubscribe/" in unsubscribe
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    raw = message.message().as_string()
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in raw
    assert "Asthma and air" in message.body and "NCT07654321" in message.body
    assert "/studies/?condition=asthma" in message.body  # back to the finder with the search
    assert patient.full_name not in message.body and patient.full_name not in message.subject

    # The mail client's one-click POST: no session, no CSRF token.
    path = unsubscribe.strip("<>").split("testserver")[-1].replace("http://127.0.0.1:8000", "")
    path = path[path.index("/studies/"):]
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert not StudyAlert.objects.filter(pk=alert.pk).exists()


def test_a_digest_lists_ten_studies_and_counts_the_rest(asthma, outbox, django_capture_on_commit_callbacks):
    alert = follow("condition=asthma")
    for number in range(12):
        touch(StudyFactory(lay_title=f"Asthma study {number:02d}", conditions=[asthma]), WEDNESDAY)

    with django_capture_on_commit_callbacks(execute=True):
        alert_matching.run(WEDNESDAY + timedelta(minutes=5))

    [email] = digests(alert)
    assert len(titles(email)) == alert_matching.LISTED and email.context["more"] == 2
    assert "And 2 more studies." in outbox[0].body
    assert StudyAlertItem.objects.filter(alert=alert, mailed_at__isnull=False).count() == 12  # none comes back
