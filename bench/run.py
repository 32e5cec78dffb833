"""make bench: every hot path of the portal measured on the real stack, as ratios to its floor.

    DATABASE_URL=postgres://.../dcr_bench REDIS_URL=redis://.../9 .venv/bin/python bench/run.py [--factor 1]

Use a database of its own: the run migrates it and fills it with ``manage.py seed_scale``
(synthetic data at production scale; a second run reuses it). Then it starts gunicorn with the
production settings (DCR_ENV=production, throwaway secrets, plain http on 127.0.0.1 only) plus
``bench.settings`` (the /bench/floor page and a query-count header), signs in the
scale users through sessions it writes itself, and measures every path with 1, 8 and 32
concurrent clients: p50, p95, requests per second, errors, queries per request, and the
ratio of p50 to the floor's p50 at the same concurrency. It also times the cohort count's query
against the same SQL run raw, the biobank CSV import against a raw COPY (bench/biobank_import.py), and
the weekly study-alert run against the one SQL statement that finds the same matches (bench/alerts_bench.py).
Prints one table and writes it as JSON under bench/results/. Bounded: each measurement stops
after --seconds or --max-requests, whichever comes first.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.ehr_targets import STEP_LINE  # noqa: E402
from bench.load import CONCURRENCY, HOST, fetch, measure_paths, paired_p50_ms  # noqa: E402

RESULTS = ROOT / "bench" / "results"
PYTHON = sys.executable

# Targets: p50 ratio to the floor (at one client), queries per request.
TARGETS = {
    "finder, keyword": {"ratio": 2.0},
    # 1,000 studies with 20 sites each, the nearest site of each found in SQL; cold: caches emptied.
    "finder, near by distance": {"ratio": 2.0, "cold_ratio": 25.0},
    "study page": {"ratio": 1.5},
    "triage, unfiltered": {"ratio": 3.0, "queries": 12},
    "triage, filtered": {"ratio": 3.0, "queries": 12},
    "budget 10x40x50": {"ratio": 3.0, "queries": 13},
    # A 10 x 10 box, every position drawn, in the same queries whatever the box holds.
    "box map, 10x10": {"ratio": 3.0, "queries": 8},
    "pick list, 1,000 samples": {"ratio": 3.0},
    "concept search": {"ratio": 2.0},
}
# Every page a signed-in person uses (issue 18), unless named in TARGETS or below: p50 within 3x the floor at
# one client, at least a third of the floor's requests per second at 8, a first visit within 25x the floor.
PERSON_TARGET = {"ratio": 3.0, "throughput": 1 / 3, "cold_ratio": 25.0}
NOT_PERSON_PAGES = {"budget XLSX export", "cohort, three groups"}  # a download; the EHR query (ehr_targets)
COHORT_TARGET = 2.0  # ORM cohort count within 2x the same query in raw SQL
IMPORT_TARGET = 1 / 3  # import rows/s at least a third of a raw COPY's



def production_env(database_url: str, redis_url: str) -> dict[str, str]:
    """The production profile with throwaway secrets, served over plain http on 127.0.0.1."""
    return {
        **os.environ,
        "DCR_ENV": "production",
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DJANGO_SECRET_KEY": os.environ.get("DCR_BENCH_SECRET_KEY", secrets.token_urlsafe(64)),
        "DJANGO_ALLOWED_HOSTS": HOST,
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DCR_FIELD_ENCRYPTION_KEY": os.environ.get("DCR_FIELD_ENCRYPTION_KEY",
                                                   "ZGV2ZWxvcG1lbnQtb25seS1rZXktMzItYnl0ZXMhIQ=="),
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "DCR_CACHE_PREFIX": "dcr-bench",
    }


def service_urls() -> tuple[str, str]:
    """The database and Redis of this run: the environment's, or the embedded servers."""
    if os.environ.get("DATABASE_URL") and os.environ.get("REDIS_URL"):
        return os.environ["DATABASE_URL"], os.environ["REDIS_URL"]
    sys.path.insert(0, str(ROOT))
    from devtools import embedded

    return os.environ.get("DATABASE_URL") or embedded.postgres_url(), os.environ.get("REDIS_URL") or embedded.redis_url()


def manage(env: dict[str, str], *args: str) -> str:
    started = time.monotonic()
    out = subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True,
                         text=True).stdout
    print(f"  manage.py {' '.join(args)}: {time.monotonic() - started:.1f} s")
    return out


def setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def sign_in_cookies(emails: set[str]) -> dict[str, str]:
    """A session cookie per user, written straight into the session store the server reads."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.cached_db import SessionStore

    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts import second_step
    from accounts.models import User

    cookies = {}
    for user in User.objects.filter(email__in=emails):
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "accounts.backends.CachedPermissionsBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        if second_step.must_use(user):  # signed in past the second step, as after typing the code
            device = second_step.app_device(user) or TOTPDevice.objects.create(
                user=user, name=second_step.APP_DEVICE_NAME, confirmed=True)
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.create()
        cookies[user.email] = f"{settings.SESSION_COOKIE_NAME}={session.session_key}"
    missing = emails - set(cookies)
    if missing:
        raise SystemExit(f"scale users missing (run manage.py seed_scale): {sorted(missing)}")
    return cookies


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def start_gunicorn(env: dict[str, str], port: int, log_path: Path) -> subprocess.Popen:
    log = log_path.open("w")
    server = subprocess.Popen(
        [str(Path(PYTHON).with_name("gunicorn")), "-c", "gunicorn.conf.py"], cwd=ROOT, stdout=log,
        stderr=subprocess.STDOUT,
        env={**env, "GUNICORN_BIND": f"{HOST}:{port}", "GUNICORN_MAX_REQUESTS": "0"})
    deadline = time.monotonic() + 180  # a loaded machine starts its workers slowly
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited; see {log_path}:\n{log_path.read_text()[-3000:]}")
        try:
            status, _, _ = fetch(http.client.HTTPConnection(HOST, port, timeout=5), "/bench/floor", None)
            if status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.3)
    server.terminate()
    raise SystemExit("gunicorn did not answer within 180 s")



def cohort_vs_raw(repeat: int) -> dict:
    """The cohort count's ORM query against the same SQL, hand-written, run raw (p50 of ``repeat``)."""
    from django.db import connection

    from biobank import selectors
    from biobank.criteria import CohortCriteria
    from bench.hooks import COHORT_QUERY

    criteria = CohortCriteria.from_dict(COHORT_QUERY)
    raw_sql = """SELECT count(DISTINCT s.participant_id), count(*) FROM biobank_sample s
                 JOIN biobank_participant p ON p.id = s.participant_id
                 WHERE s.status = 'available' AND p.consent_research AND p.withdrawn_on IS NULL
                   AND p.sex = %s AND p.birth_year >= %s AND p.birth_year <= %s AND p.genotyped
                   AND s.sample_type = %s"""
    params = [criteria.sex, criteria.birth_year_min, criteria.birth_year_max, criteria.sample_type]

    def orm():
        return selectors.cohort_count(criteria)

    def raw():
        with connection.cursor() as cursor:
            cursor.execute(raw_sql, params)
            return cursor.fetchone()

    result = orm()
    if (result.participants, result.samples) != tuple(raw()):
        raise SystemExit(f"cohort count {result} differs from the raw SQL {raw()}")
    orm_ms, raw_ms = paired_p50_ms(orm, raw, repeat)
    return {"participants": result.participants, "samples": result.samples, "orm_p50_ms": round(orm_ms, 2),
            "raw_p50_ms": round(raw_ms, 2), "ratio": round(orm_ms / raw_ms, 2)}


def import_bench(env: dict[str, str], samples: int) -> dict:
    """bench/biobank_import.py at ``samples`` rows: the import and the raw COPY it is compared with."""
    out = subprocess.run([PYTHON, "bench/biobank_import.py", "--samples", str(samples)], cwd=ROOT, env=env,
                         check=True, capture_output=True, text=True).stdout
    steps = {}
    for line in out.splitlines():
        match = STEP_LINE.match(line)
        if match:
            steps[match["label"]] = {"rows": int(match["rows"].replace(",", "")), "seconds": float(match["seconds"]),
                                     "rows_per_s": int(match["rps"].replace(",", "")), "peak_rss_mb": int(match["rss"])}
    imported = steps["samples import"]["rows_per_s"]
    return {"samples": samples, "steps": steps,
            "ratio_to_copy": round(imported / steps["raw COPY into the table"]["rows_per_s"], 3),
            "ratio_to_scratch_copy": round(imported / steps["raw COPY, scratch table"]["rows_per_s"], 3),
            "ratio_to_copy_insert": round(imported / steps["raw COPY + INSERT, no checks"]["rows_per_s"], 3)}


ALERTS_TARGET = 3.0  # the weekly alert run within 3x the one SQL statement that finds the same matches


def alerts_bench(env: dict[str, str], searches: int) -> dict:
    """bench/alerts_bench.py: the weekly alert run for ``searches`` saved searches against 100 changed studies."""
    out = subprocess.run([PYTHON, "bench/alerts_bench.py", "--searches", str(searches)], cwd=ROOT, env=env,
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def print_table(rows: list[dict]) -> None:
    print()
    print(f"{'path':<20} {'q/req':>5} " + " ".join(
        f"{'p50 c' + str(c):>9} {'p95 c' + str(c):>9} {'req/s c' + str(c):>10} {'x floor':>7}" for c in CONCURRENCY)
        + f" {'errors':>6} {'cold c1':>9}")
    for row in rows:
        cells = []
        for clients in CONCURRENCY:
            level = row["levels"][str(clients)]
            cells.append(f"{level['p50_ms']:9.1f} {level['p95_ms']:9.1f} {level['rps']:10.1f} {level['ratio_p50']:7.2f}")
        errors = sum(level["errors"] for level in row["levels"].values())
        queries = f"{row['queries']}" + (f"/{row['queries_first_visit']}" if row["queries_first_visit"] != row["queries"]
                                         else "")
        print(f"{row['path']:<20} {queries:>5} " + " ".join(cells) + f" {errors:>6} {row['cold_p50_ms']:9.1f}")
    print("(latencies in ms; 'x floor' = p50 / the floor's p50 at the same concurrency, with one client the floor "
          "requests alternate with the path's; q/req 'a/b': a from the cache, b on a first visit; 'cold c1': p50 "
          "with every cache emptied before each request)")


def verdicts(rows: list[dict], cohort: dict | None, imports: dict | None) -> list[dict]:
    by_name = {row["path"]: row for row in rows}
    checks = []
    people = {row["path"]: PERSON_TARGET for row in rows if row.get("person") and row["path"] not in NOT_PERSON_PAGES}
    for name in {**people, **TARGETS}:
        target = {**people.get(name, {}), **TARGETS.get(name, {})}
        if name not in by_name:
            continue
        row = by_name[name]
        ratio = row["levels"]["1"]["ratio_p50"]
        checks.append({"target": f"{name}: p50 within {target['ratio']}x the floor (paired; against the floor's "
                                 f"own row {row['levels']['1']['ratio_p50_to_floor_row']})", "value": ratio,
                       "met": ratio <= target["ratio"]})
        if "cold_ratio" in target:
            cold = round(row["cold_p50_ms"] / by_name["floor"]["levels"]["1"]["p50_ms"], 2) if "floor" in by_name else 0
            checks.append({"target": f"{name}: first visit, caches empty, within {target['cold_ratio']}x the floor",
                           "value": cold, "met": bool(cold) and cold <= target["cold_ratio"]})
        if "throughput" in target and "floor" in by_name:
            share = round(row["levels"]["8"]["rps"] / by_name["floor"]["levels"]["8"]["rps"], 2)
            checks.append({"target": f"{name}: at 8 clients, at least {target['throughput']:.2f} of the floor's "
                                     f"requests per second", "value": share, "met": share >= target["throughput"]})
        if "queries" in target:
            checks.append({"target": f"{name}: at most {target['queries']} queries", "value": row["queries"],
                           "met": row["queries"] <= target["queries"]})
    errors = sum(row["levels"]["32"]["errors"] for row in rows)
    checks.append({"target": "no errors at 32 concurrent clients", "value": errors, "met": errors == 0})
    if cohort:
        checks.append({"target": f"cohort count within {COHORT_TARGET}x raw SQL", "value": cohort["ratio"],
                       "met": cohort["ratio"] <= COHORT_TARGET})
    if imports:
        full = imports["full"]
        checks.append({"target": "CSV import at least 1/3 of the rows/s of a raw COPY of the same rows into the "
                                 "sample table", "value": full["ratio_to_copy"],
                       "met": full["ratio_to_copy"] >= IMPORT_TARGET})
        growth = (full["steps"]["samples import"]["peak_rss_mb"]
                  - imports["small"]["steps"]["samples import"]["peak_rss_mb"])
        checks.append({"target": f"import memory flat in file size (peak RSS growth from {imports['small']['samples']:,} "
                                 f"to {full['samples']:,} rows, MB, at most 30)", "value": growth, "met": growth <= 30})
    return checks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--factor", type=float, default=1.0, help="data size passed to seed_scale (1 = production)")
    parser.add_argument("--seconds", type=float, default=4.0, help="longest time of one measurement")
    parser.add_argument("--max-requests", type=int, default=3000, help="most requests of one measurement")
    parser.add_argument("--import-samples", type=int, default=100_000)
    parser.add_argument("--skip-import", action="store_true")
    parser.add_argument("--ehr-participants", type=int, default=4000,
                        help="patients of the import_ehr benchmark's extract (150 facts each)")
    parser.add_argument("--alert-searches", type=int, default=10_000, help="saved searches of the alert-run bench")
    parser.add_argument("--seed-only", nargs="+", metavar="PART",
                        help="seed only these parts (seed_scale --only), e.g. to leave out the EHR at factor 10")
    parser.add_argument("--paths", nargs="+", metavar="WORD",
                        help="measure only the paths whose name holds one of these words (and the floor)")
    args = parser.parse_args()

    database_url, redis_url = service_urls()
    env = production_env(database_url, redis_url)
    started = time.monotonic()
    print(f"Benchmark on {database_url.rsplit('/', 1)[-1]} (factor {args.factor})")
    manage(env, "migrate", "--no-input", "-v", "0")
    seed_started = time.monotonic()
    print(manage(env, "seed_scale", "--factor", str(args.factor),
                 *(["--only", *args.seed_only] if args.seed_only else [])).rstrip())
    seed_seconds = time.monotonic() - seed_started
    with tempfile.TemporaryDirectory(prefix="dcr-bench-") as folder:
        env["DCR_STATIC_ROOT"] = str(Path(folder) / "static")
        manage(env, "collectstatic", "--no-input", "-v", "0")
        setup_django(env)
        from bench import hooks as bench

        cookies = sign_in_cookies({email for name, _, email in bench.hot_paths()  # the measured paths' users
                                   if email and (not args.paths or any(word in name for word in args.paths))})
        port = free_port()
        log_path = Path(folder) / "gunicorn.log"
        server = start_gunicorn(env, port, log_path)
        try:
            print(f"gunicorn (production settings) on {HOST}:{port}; {args.seconds:g} s or "
                  f"{args.max_requests} requests per measurement")
            rows = measure_paths(port, cookies, args.seconds, args.max_requests, args.paths)
        except SystemExit:
            print(f"gunicorn's log ends with:\n{log_path.read_text()[-4000:]}")
            raise
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
        cohort = cohort_vs_raw(repeat=15)
        print("health-record benchmarks (three-group question, import_ehr against COPY) ...")
        from bench import ehr_targets

        with_ehr = not args.seed_only or "ehr" in args.seed_only  # no health records seeded: nothing to time
        ehr = ehr_targets.ehr_benches(env, args.ehr_participants, args.skip_import) if with_ehr else None
        study_alerts = None
        if not args.seed_only or "studies" in args.seed_only:  # the alert run needs the seeded studies
            print(f"weekly study-alert run, {args.alert_searches:,} saved searches against 100 changed studies ...")
            study_alerts = alerts_bench(env, args.alert_searches)
        imports = None
        if not args.skip_import:
            print(f"biobank import of {args.import_samples:,} samples against a raw COPY ...")
            imports = {"full": import_bench(env, args.import_samples),
                       "small": import_bench(env, max(args.import_samples // 4, 1000))}
    print_table(rows)
    print(f"\ncohort count: ORM {cohort['orm_p50_ms']} ms, raw SQL {cohort['raw_p50_ms']} ms "
          f"(ratio {cohort['ratio']}); {cohort['participants']:,} participants, {cohort['samples']:,} samples")
    if imports:
        for size in ("full", "small"):
            steps = imports[size]["steps"]
            print(f"import of {imports[size]['samples']:,} samples: {steps['samples import']['rows_per_s']:,} rows/s, "
                  f"peak RSS {steps['samples import']['peak_rss_mb']} MB; raw COPY into the sample table "
                  f"{steps['raw COPY into the table']['rows_per_s']:,} rows/s (ratio {imports[size]['ratio_to_copy']})"
                  f"\n  for reference: raw COPY into an unindexed temporary table "
                  f"{steps['raw COPY, scratch table']['rows_per_s']:,} rows/s (ratio "
                  f"{imports[size]['ratio_to_scratch_copy']}); COPY there + INSERT into the sample table "
                  f"{steps['raw COPY + INSERT, no checks']['rows_per_s']:,} rows/s (ratio "
                  f"{imports[size]['ratio_to_copy_insert']})")
    if ehr:
        ehr_targets.print_summary(ehr)
    checks = verdicts(rows, cohort, imports) + (ehr_targets.ehr_verdicts(rows, ehr) if ehr else [])
    if study_alerts:
        print(f"study alerts: weekly run {study_alerts['run_p50_ms']} ms, the single SQL statement finding the same "
              f"{study_alerts['matches']:,} matches {study_alerts['single_sql_p50_ms']} ms (ratio "
              f"{study_alerts['ratio']}); {study_alerts['searches']:,} searches, {study_alerts['changed_studies']} "
              f"changed studies, {study_alerts['digests']:,} digests")
        checks.append({"target": f"weekly alert run within {ALERTS_TARGET}x the single SQL that finds the same "
                                 "matches", "value": study_alerts["ratio"], "met": study_alerts["ratio"] <= ALERTS_TARGET})
    print("\nTargets:")
    for check in checks:
        print(f"  [{'met' if check['met'] else 'MISSED'}] {check['target']}: {check['value']}")
    result = {
        "when": datetime.now(timezone.utc).isoformat(timespec="seconds"), "factor": args.factor,
        "cpus": os.cpu_count(), "seed_seconds": round(seed_seconds, 1), "paths": rows, "cohort": cohort,
        "import": imports, "ehr": ehr, "study_alerts": study_alerts, "targets": checks,
        "total_seconds": round(time.monotonic() - started, 1),
    }
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"bench-{datetime.now(timezone.utc):%Y%m%dT%H%M%SZ}.json"
    out.write_text(json.dumps(result, indent=2))
    print(f"\nWritten to {out.relative_to(ROOT)} ({result['total_seconds']:.0f} s in all)")


if __name__ == "__main__":
    main()
