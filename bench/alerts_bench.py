"""The weekly study-alert run: 10,000 saved searches against 100 changed studies, timed against the
one SQL statement that finds the same matches.

    DATABASE_URL=postgres://... .venv/bin/python bench/alerts_bench.py [--searches 10000] [--changed 100]

Inside one transaction that is rolled back at the end (the database is left as it was): seeds
``--searches`` confirmed weekly alerts whose searches are drawn from the studies' own
conditions, centres, phases, ages, words and places (a tenth also follow a few studies with an
old status, for the status-change path), marks ``--changed`` public studies as changed (a fifth
of them with a new status), then times

- the run: ``studies.alert_matching.run`` (lock the due alerts, match, build and queue one digest
  per alert, record what was mailed), each repetition in a savepoint rolled back after it;
- the single SQL statement: the run's matching statement with the "due" rule written in it.

Prints one line per figure and, last, a JSON line (read by bench/run.py).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dcr_portal.settings")
PLACES = ["02115", "10001", "60601", "94103", "77030", "Boston", "Seattle", "Denver"]
WORDS = ["diabetes", "asthma", "heart", "sleep", "pain", "cancer", "memory", "blood pressure", "kidney", "walk"]


class Rollback(Exception):
    pass


def seed(searches: int, changed: int, rng: random.Random, now):
    from django.db.models import Q

    from centers.models import Center
    from studies import geocode
    from studies.alert_models import StudyAlert, StudyAlertItem
    from studies.models import Condition, Study
    from studies.registry_values import PHASE_MATCHES
    from studies.selectors import finder_base

    conditions = list(Condition.objects.filter(studies__is_public=True).distinct().values_list("slug", flat=True))
    centers = list(Center.objects.values_list("slug", flat=True))
    places = []
    for text in PLACES:
        try:
            places.append(geocode.locate(text))
        except geocode.PlaceNotFound:
            continue
    checked = now - timedelta(hours=2)
    alerts = []
    for number in range(searches):
        columns = {"condition": rng.choice(conditions) if conditions and rng.random() < 0.6 else "",
                   "q": rng.choice(WORDS) if rng.random() < 0.35 else "",
                   "phases": list(PHASE_MATCHES[rng.choice(list(PHASE_MATCHES))]) if rng.random() < 0.3 else [],
                   "age": rng.randint(18, 80) if rng.random() < 0.4 else None,
                   "sex": rng.choice(["female", "male"]) if rng.random() < 0.2 else "",
                   "healthy": rng.random() < 0.1, "trc": rng.random() < 0.05,
                   "center": rng.choice(centers) if centers and rng.random() < 0.15 else ""}
        if places and rng.random() < 0.25:
            place = rng.choice(places)
            columns.update(latitude=place.latitude, longitude=place.longitude, miles=float(rng.choice([25, 50, 100])))
        alerts.append(StudyAlert(email=f"bench.alert{number}@example.org", name=f"Bench search {number}",
                                 query="", language="en", confirmed_at=checked, checked_at=checked, **columns))
    alerts = StudyAlert.objects.bulk_create(alerts, batch_size=2000)
    # The changed studies: public ones, spread over the table; a fifth change status.
    candidates = list(finder_base().order_by("?").values_list("pk", flat=True)[:changed])
    Study.objects.filter(pk__in=candidates).update(updated_at=now)
    movers = candidates[: max(1, changed // 5)]
    Study.objects.filter(pk__in=movers, status=Study.Status.RECRUITING).update(status=Study.Status.ACTIVE_NOT_RECRUITING)
    Study.objects.filter(Q(pk__in=movers) & ~Q(status=Study.Status.ACTIVE_NOT_RECRUITING)).update(
        status=Study.Status.RECRUITING)
    items = [StudyAlertItem(alert=alert, study_id=study, status=Study.Status.NOT_YET_RECRUITING)
             for alert in alerts if rng.random() < 0.1 for study in rng.sample(candidates, min(3, len(candidates)))]
    StudyAlertItem.objects.bulk_create(items, batch_size=5000, ignore_conflicts=True)
    return len(alerts), len(candidates), len(items)


def timed(function, repeat: int) -> tuple[float, object]:
    samples, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--searches", type=int, default=10_000)
    parser.add_argument("--changed", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    import django

    django.setup()
    from django.db import connection, transaction
    from django.utils import timezone

    from studies import alert_matching

    # A day ahead: every study of the seeded database is older than the alerts' last look.
    now = timezone.now() + timedelta(days=1)
    rng = random.Random(8058)  # the same searches every run
    result = {}
    try:
        with transaction.atomic():
            started = time.perf_counter()
            searches, changed, items = seed(args.searches, args.changed, rng, now)
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE studies_studyalert; ANALYZE studies_studyalertitem; ANALYZE studies_study")
            print(f"  seeded {searches:,} saved searches, {changed} changed studies, {items:,} followed studies "
                  f"({time.perf_counter() - started:.1f} s)")
            sql = alert_matching.match_sql(alert_matching.DUE_RULE)
            params = alert_matching.match_params(now, now - timedelta(hours=2))

            def single_sql():
                with connection.cursor() as cursor:
                    cursor.execute(sql, params)
                    return cursor.fetchall()

            def one_run():
                with transaction.atomic():
                    report = alert_matching.run(now)
                    transaction.set_rollback(True)
                return report

            sql_ms, rows = timed(single_sql, args.repeat)
            run_ms, report = timed(one_run, args.repeat)
            sql_ms_again, _ = timed(single_sql, args.repeat)
            sql_ms = min(sql_ms, sql_ms_again)
            if report.matches != len(rows) or report.alerts_due != searches:
                raise SystemExit(f"the run found {report.matches} matches for {report.alerts_due} alerts, the single "
                                 f"SQL {len(rows)} for {searches}")
            result = {"searches": searches, "changed_studies": changed, "matches": len(rows),
                      "digests": report.emails, "run_p50_ms": round(run_ms, 1), "single_sql_p50_ms": round(sql_ms, 1),
                      "ratio": round(run_ms / sql_ms, 2)}
            print(f"  weekly alert run       {run_ms:9.1f} ms  ({report.matches:,} matches, {report.emails:,} digests)")
            print(f"  single SQL, same matches {sql_ms:7.1f} ms  ratio {result['ratio']}")
            raise Rollback
    except Rollback:
        pass
    print(json.dumps(result))


if __name__ == "__main__":
    main()
