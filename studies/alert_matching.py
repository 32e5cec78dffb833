"""The alert run (a Celery beat task): every due alert against the studies changed since it last
looked, in one SQL statement; one digest per alert and period; a record of what was mailed.

What is news for an alert:
- a search alert: a public study, open to inquiries, that matches the search and that the alert
  has not seen (``StudyAlertItem``: the studies that matched when it started, and every one mailed);
- any alert: a study it has seen (for the saved-studies alert: a study still saved) whose status
  is not the one it last saw (e.g. it opened to volunteers).

An alert is due when it is confirmed and has had no digest in this period (the calendar day or
ISO week, in the portal's time zone): at most one email per alert and period, and the outbox's
idempotency key (alert and period) makes a second run of the same period send nothing again.
The rows of an alert are locked for the run (``SKIP LOCKED``): two runs at once share the work.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone, translation

from notifications.services import queue_emails

from . import alerts
from .alert_models import StudyAlert
from .models import Study
from .registry_values import Status
from .study_page import spanish_or_none

STATUS_VALUES = frozenset(Status.values)

# Studies committed a moment after a run read the table may carry an earlier ``updated_at``;
# each run looks back this much further (the record of what was seen keeps it from repeating).
OVERLAP = timedelta(minutes=5)

# ``{due}``: which alerts are asked. The run passes the ids it locked; the bench's single
# statement states the rule itself. Both are constants of this module.
DUE_IDS = "a.id = ANY(%(due)s)"
DUE_RULE = ("a.confirmed_at IS NOT NULL AND a.last_period <> "
            "CASE a.frequency WHEN 'daily' THEN %(day)s ELSE %(week)s END")

_CTES = """
due AS MATERIALIZED (
    SELECT a.id, a.kind, a.user_id, a.checked_at, a.condition, a.phases, a.age, a.sex, a.healthy, a.trc, a.center,
           a.status, a.latitude, a.longitude, a.miles,
           CASE WHEN a.q <> '' THEN websearch_to_tsquery('english', a.q) END AS words
    FROM studies_studyalert a WHERE {due}
),
changed AS MATERIALIZED (
    SELECT s.id, s.status, s.updated_at, s.search_vector, s.phase, s.min_age, s.max_age, s.sex,
           s.healthy_volunteers, s.trc_inpatient, ce.slug AS center,
           ARRAY(SELECT co.slug FROM studies_study_conditions sc JOIN studies_condition co ON co.id = sc.condition_id
                 WHERE sc.study_id = s.id) AS conditions
    FROM studies_study s JOIN centers_center ce ON ce.id = s.center_id
    WHERE s.is_public AND s.updated_at > %(since)s
)"""
_MATCHES = """
SELECT d.id AS alert_id, c.id AS study_id, c.status, 'new' AS reason FROM due d JOIN changed c ON c.updated_at > d.checked_at
WHERE d.kind = 'search' AND c.status = ANY(%(open)s)
  AND (d.condition = '' OR d.condition = ANY(c.conditions))
  AND (d.center = '' OR d.center = c.center)
  AND (cardinality(d.phases) = 0 OR c.phase = ANY(d.phases))
  AND (d.age IS NULL OR ((c.min_age IS NULL OR c.min_age <= d.age) AND (c.max_age IS NULL OR c.max_age >= d.age)))
  AND (d.sex = '' OR c.sex IN ('all', d.sex))
  AND (NOT d.healthy OR c.healthy_volunteers)
  AND (NOT d.trc OR c.trc_inpatient)
  AND (d.status = '' OR c.status = d.status)
  AND (d.words IS NULL OR c.search_vector @@ d.words)
  AND (d.latitude IS NULL OR EXISTS (
        SELECT 1 FROM studies_location l
        WHERE l.study_id = c.id AND l.latitude BETWEEN d.latitude - d.miles / 69.0 AND d.latitude + d.miles / 69.0
          AND 2 * 3958.8 * asin(least(1.0, sqrt(
                power(sin(radians(l.latitude - d.latitude) / 2), 2)
                + cos(radians(d.latitude)) * cos(radians(l.latitude))
                  * power(sin(radians(l.longitude - d.longitude) / 2), 2)))) <= d.miles))
  AND NOT EXISTS (SELECT 1 FROM studies_studyalertitem i WHERE i.alert_id = d.id AND i.study_id = c.id)
UNION ALL
SELECT d.id, c.id, c.status, 'status' FROM due d
JOIN studies_studyalertitem i ON i.alert_id = d.id
JOIN changed c ON c.id = i.study_id AND c.updated_at > d.checked_at
WHERE c.status <> i.status AND (d.kind = 'search' OR EXISTS (
    SELECT 1 FROM studies_savedstudy ss WHERE ss.user_id = d.user_id AND ss.study_id = c.id))
"""
# The matches, as a reader would ask for them (the bench's single statement).
MATCH_SQL = "WITH " + _CTES + _MATCHES
# The run: the same matches, recorded as mailed and their alerts marked as sent this period in the
# same statement; returned per alert: how many, and the first ``listed`` (new ones first).
_RECORD = """
recorded AS (
    INSERT INTO studies_studyalertitem (alert_id, study_id, status, mailed_at)
    SELECT alert_id, study_id, status, %(now)s FROM m
    ON CONFLICT (alert_id, study_id) DO UPDATE SET status = EXCLUDED.status, mailed_at = EXCLUDED.mailed_at
),
sent AS (
    UPDATE studies_studyalert a
    SET last_period = CASE a.frequency WHEN 'daily' THEN %(day)s ELSE %(week)s END, last_sent_at = %(now)s
    WHERE a.id IN (SELECT alert_id FROM m)
)
SELECT alert_id, count(*), (array_agg(study_id ORDER BY reason, study_id))[1:%(listed)s],
       (array_agg(status ORDER BY reason, study_id))[1:%(listed)s],
       (array_agg(reason ORDER BY reason, study_id))[1:%(listed)s]
FROM m GROUP BY alert_id
"""
RUN_SQL = "WITH " + _CTES + ", m AS (" + _MATCHES + ")," + _RECORD
# A digest lists this many studies; the rest are counted, behind the link to the search.
LISTED = 10


def periods(now: datetime) -> dict[str, str]:
    """This day's and this ISO week's names, in the portal's time zone: one digest in each."""
    local = timezone.localtime(now)
    year, week, _ = local.isocalendar()
    return {"day": f"D{local.date().isoformat()}", "week": f"W{year}-{week:02d}"}


def match_params(now: datetime, since: datetime, due_ids: list[int] | None = None) -> dict:
    return {**periods(now), "since": since, "open": list(Study.OPEN_TO_INQUIRIES), "due": due_ids or [],
            "now": now, "listed": LISTED}


def match_sql(due: str, statement: str = MATCH_SQL) -> str:
    return statement.format(due=due)


@dataclass
class RunReport:
    alerts_due: int = 0
    matches: int = 0
    emails: int = 0
    expired: int = 0

    def __str__(self) -> str:
        return (f"{self.alerts_due} alert(s) due, {self.matches} match(es), {self.emails} digest(s) queued, "
                f"{self.expired} unconfirmed alert(s) expired")


def _lock_due(now: datetime) -> list[tuple[int, datetime]]:
    names = periods(now)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT a.id, a.checked_at FROM studies_studyalert a WHERE " + DUE_RULE  # nosec B608: constants only
            + " ORDER BY a.id FOR UPDATE SKIP LOCKED", names)
        return cursor.fetchall()


def _study_row(study: Study, status: str, reason: str, language: str) -> dict:
    with translation.override(language):
        spanish = spanish_or_none(study) if language.startswith("es") else None
        return {"title": spanish.lay_title if spanish else study.lay_title,
                "url": f"{settings.SITE_URL}{reverse('studies:detail', args=[study.pk])}",
                "registry_id": study.nct_id, "is_new": reason == "new",
                "status": str(Status(status).label) if status in STATUS_VALUES else status}


def _digest(alert: StudyAlert, rows: list[dict], more: int, period: str) -> dict:
    unsubscribe = alerts.unsubscribe_url(alert)
    return {
        "recipient": alert.user.email if alert.user_id else alert.email, "template": "study_alert_digest",
        "language": alert.language, "idempotency_key": f"study-alert:{alert.pk}:{period}",
        "context": {"search": alert.name, "studies": rows, "more": more, "finder_url": alerts.finder_link(alert),
                    "is_saved_list": alert.kind == StudyAlert.Kind.SAVED, "unsubscribe_url": unsubscribe,
                    "alerts_url": f"{settings.SITE_URL}{reverse('studies:my_alerts')}" if alert.user_id else "",
                    "weekly": alert.frequency == StudyAlert.Frequency.WEEKLY},
        "headers": {"List-Unsubscribe": f"<{unsubscribe}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    }


def run(now: datetime | None = None) -> RunReport:
    """Match every due alert, record what is mailed, queue one digest per alert; idempotent within a period.

    Queries: the expiry, the lock of the due alerts, one statement that matches, records and marks
    (``RUN_SQL``), the alerts and the studies of the digests, the outbox rows, the alerts' new look.
    """
    now = now or timezone.now()
    report = RunReport()
    with transaction.atomic():
        report.expired = alerts.expire_unconfirmed(now)
        due = _lock_due(now)
        report.alerts_due = len(due)
        if not due:
            return report
        due_ids = [pk for pk, _ in due]
        since = min(checked for _, checked in due)
        with connection.cursor() as cursor:
            cursor.execute(match_sql(DUE_IDS, RUN_SQL), match_params(now, since, due_ids))
            found = {alert_id: (count, list(zip(studies, statuses, reasons)))
                     for alert_id, count, studies, statuses, reasons in cursor.fetchall()}
        report.matches = sum(count for count, _ in found.values())
        names = periods(now)
        studies = Study.objects.select_related("spanish").in_bulk(
            {study for _, listed in found.values() for study, _, _ in listed})
        rows: dict[tuple, dict] = {}  # one row per study, status and language, shared by the digests
        digests = []
        for alert in StudyAlert.objects.filter(pk__in=list(found)).select_related("user"):
            count, listed = found[alert.pk]
            period = names["day" if alert.frequency == StudyAlert.Frequency.DAILY else "week"]
            shown = []
            for study, status, reason in listed:
                key = (study, status, reason, alert.language)
                if key not in rows:
                    rows[key] = _study_row(studies[study], status, reason, alert.language)
                shown.append(rows[key])
            shown.sort(key=lambda row: (not row["is_new"], row["title"]))
            digests.append(_digest(alert, shown, count - len(shown), period))
        report.emails = queue_emails(digests)
        StudyAlert.objects.filter(pk__in=due_ids).update(checked_at=now - OVERLAP)
    return report
