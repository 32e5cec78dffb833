"""The triggers that keep ``dashboards.models`` in step with the requests and inquiries.

Statement-level triggers with transition tables: one call per statement, whatever its number of
rows. A statement's rows are turned into signed deltas (+1 for each row as it now is, -1 for each
row as it was) and added to the figures with ``INSERT ... ON CONFLICT DO UPDATE``; a change that
moves no figure (a new message, a title edited) writes nothing. ``TRUNCATE`` of a source empties
its figures. Months and days are those of the portal's time zone, written into the functions when
they are installed: after changing ``TIME_ZONE`` (or the set of open statuses), run
``manage.py rebuild_dashboard_figures``, which installs them again and counts everything anew.
"""

from __future__ import annotations

from django.conf import settings
from django.db import connection, transaction

from common import db_triggers
from common.db_triggers import add_to, signed_rows

REQUESTS = "consultations_consultationrequest"
INTERESTS = "studies_interest"
STUDIES = "studies_study"
REQUEST_COLUMNS = "center_id, service_id, status, submitted_at, triaged_at, completed_at, hours_used, hours_allotted"
INTEREST_COLUMNS = "study_id, created_at, stage_reached"
FIGURES = ["dashboards_requestmonth", "dashboards_centretotals", "dashboards_turnaround", "dashboards_openrequestday",
           "dashboards_interestmonth", "dashboards_studyfunnel"]


# Every statement here is built from this module's table and column names and the settings' time
# zone, quoted by _literal (hence the nosec B608 marks): no value a person types reaches them.


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _open_statuses() -> str:
    from consultations.models import OPEN_STATUSES

    return "ARRAY[" + ", ".join(_literal(str(status)) for status in sorted(OPEN_STATUSES)) + "]::varchar[]"


def request_figures(delta: str) -> str:
    """One statement adding the signed request rows of ``delta`` (a SELECT) to every request figure."""
    zone = _literal(settings.TIME_ZONE)
    return f"""
    WITH d AS MATERIALIZED ({delta}),
    months AS (
        INSERT INTO dashboards_requestmonth AS t (center_id, service_id, month, requests)
        SELECT center_id, service_id, date_trunc('month', submitted_at AT TIME ZONE {zone})::date, sum(s)
        FROM d GROUP BY 1, 2, 3 HAVING sum(s) <> 0
        {add_to("dashboards_requestmonth", "center_id, service_id, month", ["requests"])}),
    totals AS (
        INSERT INTO dashboards_centretotals AS t (center_id, requests, open_requests, hours_used, hours_allotted,
                                                  over_allotment)
        SELECT center_id, sum(s), sum(s * (status = ANY({_open_statuses()}))::int), sum(s * hours_used),
               sum(s * hours_allotted), sum(s * (hours_used > hours_allotted)::int)
        FROM d GROUP BY 1
        HAVING sum(s) <> 0 OR sum(s * (status = ANY({_open_statuses()}))::int) <> 0 OR sum(s * hours_used) <> 0
            OR sum(s * hours_allotted) <> 0 OR sum(s * (hours_used > hours_allotted)::int) <> 0
        {add_to("dashboards_centretotals", "center_id",
                 ["requests", "open_requests", "hours_used", "hours_allotted", "over_allotment"])}),
    turnaround AS (
        INSERT INTO dashboards_turnaround AS t (center_id, kind, tenths, requests)
        SELECT center_id, k.kind, round(extract(epoch FROM k.at - submitted_at) / 8640.0)::int, sum(s)
        FROM d CROSS JOIN LATERAL (VALUES ('t', triaged_at), ('c', completed_at)) AS k(kind, at)
        WHERE k.at IS NOT NULL GROUP BY 1, 2, 3 HAVING sum(s) <> 0
        {add_to("dashboards_turnaround", "center_id, kind, tenths", ["requests"])})
    INSERT INTO dashboards_openrequestday AS t (center_id, day, requests)
    SELECT center_id, (submitted_at AT TIME ZONE {zone})::date, sum(s)
    FROM d WHERE status = ANY({_open_statuses()}) GROUP BY 1, 2 HAVING sum(s) <> 0
    {add_to("dashboards_openrequestday", "center_id, day", ["requests"])}"""  # nosec B608


def interest_figures(delta: str) -> str:
    """One statement adding the signed inquiry rows of ``delta`` to the inquiry figures."""
    zone = _literal(settings.TIME_ZONE)
    stages = ["inquiries", "contacted", "eligible", "consented", "enrolled"]  # studies.models.Interest.Stage 0-4
    sums = ", ".join(f"sum(s * (stage_reached >= {stage})::int)" for stage in range(len(stages)))
    return f"""
    WITH d AS MATERIALIZED ({delta}),
    months AS (
        INSERT INTO dashboards_interestmonth AS t (center_id, month, interests)
        SELECT st.center_id, date_trunc('month', d.created_at AT TIME ZONE {zone})::date, sum(d.s)
        FROM d JOIN {STUDIES} st ON st.id = d.study_id GROUP BY 1, 2 HAVING sum(d.s) <> 0
        {add_to("dashboards_interestmonth", "center_id, month", ["interests"])})
    INSERT INTO dashboards_studyfunnel AS t (study_id, {", ".join(stages)})
    SELECT study_id, {sums} FROM d GROUP BY 1
    HAVING {" OR ".join(f"sum(s * (stage_reached >= {stage})::int) <> 0" for stage in range(len(stages)))}
    {add_to("dashboards_studyfunnel", "study_id", stages)}"""  # nosec B608


def study_moves() -> str:
    """A study moved to another centre takes its inquiries' months with it."""
    zone = _literal(settings.TIME_ZONE)
    return f"""
    WITH moved AS (
        SELECT n.id, o.center_id AS was, n.center_id AS now FROM new_rows n JOIN old_rows o ON o.id = n.id
        WHERE o.center_id IS DISTINCT FROM n.center_id),
    counted AS (
        SELECT moved.was, moved.now, date_trunc('month', i.created_at AT TIME ZONE {zone})::date AS month,
               count(*) AS n
        FROM {INTERESTS} i JOIN moved ON moved.id = i.study_id GROUP BY 1, 2, 3)
    INSERT INTO dashboards_interestmonth AS t (center_id, month, interests)
    SELECT center_id, month, sum(n) FROM (
        SELECT was AS center_id, month, -n AS n FROM counted UNION ALL SELECT now, month, n FROM counted) AS both_ways
    GROUP BY 1, 2 HAVING sum(n) <> 0
    {add_to("dashboards_interestmonth", "center_id, month", ["interests"])}"""  # nosec B608


def _triggers() -> list[tuple[str, str, str, str]]:
    """(function, table, event, body) of every trigger."""
    found = []
    for operation, delta in signed_rows(REQUEST_COLUMNS).items():
        found.append((f"dashboards_requests_{operation}", REQUESTS, operation, request_figures(delta)))
    for operation, delta in signed_rows(INTEREST_COLUMNS).items():
        found.append((f"dashboards_interests_{operation}", INTERESTS, operation, interest_figures(delta)))
    found.append(("dashboards_studies_update", STUDIES, "update", study_moves()))
    found.append(("dashboards_requests_truncate", REQUESTS, "truncate",
                  "DELETE FROM dashboards_requestmonth; DELETE FROM dashboards_centretotals; "
                  "DELETE FROM dashboards_turnaround; DELETE FROM dashboards_openrequestday"))
    found.append(("dashboards_interests_truncate", INTERESTS, "truncate",
                  "DELETE FROM dashboards_interestmonth; DELETE FROM dashboards_studyfunnel"))
    return found


def install() -> list[str]:
    """The functions and triggers (``CREATE OR REPLACE``: safe to run again)."""
    return db_triggers.install(_triggers())


def count_all() -> list[str]:
    """Empty the figures and count them again from every request and inquiry."""
    return ([f"DELETE FROM {table}" for table in FIGURES]  # nosec B608
            + [request_figures(f"SELECT 1 AS s, {REQUEST_COLUMNS} FROM {REQUESTS}"),  # nosec B608
               interest_figures(f"SELECT 1 AS s, {INTEREST_COLUMNS} FROM {INTERESTS}")])  # nosec B608


def remove() -> list[str]:
    return db_triggers.remove(_triggers())


def rebuild() -> None:
    """Install the triggers again (the time zone and open statuses of now) and recount, in one
    transaction that locks out writers meanwhile, so that no write falls between count and trigger."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {REQUESTS}, {INTERESTS}, {STUDIES} IN SHARE MODE")
        for statement in install() + count_all():
            cursor.execute(statement)
