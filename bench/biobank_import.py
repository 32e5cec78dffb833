"""Benchmark of the biobank CSV import against a raw COPY of the same rows.

    DATABASE_URL=postgres://... .venv/bin/python bench/biobank_import.py [--samples 100000]

Writes a participants file and a samples file under a temporary folder, then runs each step in
its own process (so that peak memory is that step's own): imports the participants; COPYs the
same sample rows raw into the sample table itself (the rows already in the table's columns,
participant ids looked up before the clock starts; committed, then deleted): the floor, the fastest way
PostgreSQL has to load these rows where they belong; for reference, COPYs the file into an
unindexed temporary table (no index, no foreign key, no write-ahead log: an upper bound no
load into a real table reaches), and COPYs it there followed by an INSERT ... SELECT into the
sample table; then imports the samples (row checks, staging, file checks in SQL,
INSERT ... SELECT, history), as a staff member does. Before each step the biobank tables are
vacuumed, so that no step pays for the dead rows of the one before. Prints rows per second and
peak RSS of each step, then removes the rows it added. Biobank ids BB8000001+ and barcodes BENCH... are
reserved for it.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dcr_portal.settings")
FIRST_ID = 8_000_001


def setup_django():
    import django

    django.setup()


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def write_files(folder: Path, samples: int) -> tuple[Path, Path]:
    participants = max(samples * 2 // 5, 1)
    rng = random.Random(7)
    people = folder / "participants.csv"
    with people.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["biobank_id", "mrn", "sex", "birth_year", "consent_research", "consent_recontact",
                         "consent_date", "consent_version", "genotyped", "genotyping_platform", "genotyping_batch"])
        for n in range(participants):
            genotyped = n % 2 == 0
            writer.writerow([f"BB{FIRST_ID + n:07d}", f"SYN8{n:08d}", rng.choice("FM"), rng.randrange(1930, 2005),
                             "yes", rng.choice(["yes", "no"]), "2020-02-03", "v3", "yes" if genotyped else "no",
                             "Illumina GSA" if genotyped else "", "B1" if genotyped else ""])
    tubes = folder / "samples.csv"
    with tubes.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["barcode", "biobank_id", "sample_type", "collected_at", "quantity", "unit", "freezer", "rack",
                         "box", "position"])
        types = ["whole_blood", "dna", "plasma", "serum", "buffy_coat"]
        for n in range(samples):
            # Every other row gives its position; the others get the box's next free one (allocation).
            writer.writerow([f"BENCH{n:09d}", f"BB{FIRST_ID + n % participants:07d}", types[n % 5],
                             f"2023-{n % 12 + 1:02d}-{n % 28 + 1:02d} 10:{n % 60:02d}", f"{1 + n % 40 / 10:.1f}", "mL",
                             *bench_box(n), f"{LETTERS[n % 100 // 10]}{n % 10 + 1}" if n % 2 == 0 else ""])
    return people, tubes


LETTERS = "ABCDEFGHIJ"


def bench_box(n: int) -> tuple[str, str, str]:
    """Sample ``n``'s freezer, rack and 10 x 10 box (made before any step runs)."""
    return f"BENCH{n // 50_000:02d}", f"R{n // 5000 % 10:02d}", f"B{n // 100 % 50:03d}"


def step_boxes(samples: str) -> None:
    setup_django()
    from biobank.storage.services import build_boxes

    build_boxes(sorted({bench_box(n) for n in range(0, int(samples), 100)}), rows=10, columns=10)
    print("0 0 0")


def _importer():
    """The staff member an import is recorded against (as on the staff desk), if there is one."""
    from accounts.models import User

    return User.objects.filter(is_staff=True, is_active=True).order_by("pk").first()


def step_import(path: str, kind: str) -> None:
    setup_django()
    from biobank import importer

    user = _importer()
    started = time.perf_counter()
    phases: dict[str, float] = {}

    def progress(phase: str, done: int, total: int) -> None:
        phases.setdefault(phase, time.perf_counter() - started)

    with open(path, encoding="utf-8", newline="") as text:
        result = importer.import_csv(text, kind, user=user, progress=progress, file_name="bench.csv")
    elapsed = time.perf_counter() - started
    if not result.ok:
        raise SystemExit(f"bench import failed: {[e.as_dict() for e in result.errors[:5]]}")
    # Seconds spent reading and checking rows, checking the whole file in SQL, writing.
    split = (f"read+check {phases['checking']:.1f} s, file checks {phases['writing'] - phases['checking']:.1f} s, "
             f"write+history {phases['done'] - phases['writing']:.1f} s")
    print(f"{split}\n{result.imported} {elapsed:.3f} {peak_rss_mb():.1f}")


def step_copy(path: str, into_table: str = "") -> None:
    """COPY the file raw into a scratch table; with ``into_table``, also INSERT it into biobank_sample
    (no checks, no history) and roll back: the floor an import into the indexed table cannot beat."""
    setup_django()
    from django.db import connection, transaction

    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor, open(path, encoding="utf-8") as text:
        cursor.execute("""CREATE TEMP TABLE bench_copy (barcode text, biobank_id text, sample_type text,
            collected_at timestamptz, quantity numeric(10, 3), unit text, freezer text, rack text, box text,
            position text) ON COMMIT DROP""")
        # For reference only: the rows go in without their places (those need the storage tree).
        cursor.copy_expert("COPY bench_copy FROM STDIN WITH (FORMAT csv, HEADER)", text)
        if into_table:
            cursor.execute("""INSERT INTO biobank_sample (barcode, participant_id, sample_type, collected_at, quantity,
                unit, status, derived_as, created_at, updated_at)
                SELECT c.barcode, p.id, c.sample_type, c.collected_at, c.quantity, c.unit,
                'available', '', now(), now() FROM bench_copy c
                JOIN biobank_participant p ON p.biobank_id = c.biobank_id""")
            rows = cursor.rowcount
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # check the foreign keys before timing stops
            transaction.set_rollback(True)
        else:
            cursor.execute("SELECT count(*) FROM bench_copy")
            rows = cursor.fetchone()[0]
        elapsed = time.perf_counter() - started
    print(f"{rows} {elapsed:.3f} {peak_rss_mb():.1f}")


SAMPLE_COLUMNS = ("barcode, participant_id, sample_type, collected_at, quantity, unit, box_id, pos_row, pos_col, "
                  "status, derived_as, created_at, updated_at")


def step_copy_table(path: str) -> None:
    """COPY the same rows straight into biobank_sample, in its own columns, and roll back.

    The rows are put in the table's shape (participant ids for biobank ids) before the clock
    starts; the clock runs over the COPY and its commit (which checks the foreign keys). The rows
    are deleted again afterwards."""
    setup_django()
    import io

    from django.db import connection, transaction
    from django.utils import timezone

    from common.scale import copy_line

    with connection.cursor() as cursor:
        cursor.execute("SELECT biobank_id, id FROM biobank_participant WHERE biobank_id >= %s", [f"BB{FIRST_ID:07d}"])
        ids = dict(cursor.fetchall())
        cursor.execute("""SELECT f.name, r.name, b.name, b.id FROM biobank_storagecontainer b
                          JOIN biobank_storagecontainer r ON r.id = b.parent_id
                          JOIN biobank_storagecontainer f ON f.id = r.parent_id WHERE f.name LIKE 'BENCH%%'""")
        boxes = {tuple(row[:3]): row[3] for row in cursor.fetchall()}
    now = timezone.now().isoformat()
    buffer = io.StringIO()
    with open(path, encoding="utf-8", newline="") as text:
        reader = csv.reader(text)
        next(reader)
        for n, (barcode, biobank_id, *values) in enumerate(reader):
            # Positions as the import gives them: the rows' own, the others filled in between.
            place = (boxes[tuple(values[4:7])], n % 100 // 10 + 1, n % 10 + 1)
            buffer.write(copy_line((barcode, ids[biobank_id], *values[:4], *place, "available", "", now, now)))
    buffer.seek(0)
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.copy_expert(f"COPY biobank_sample ({SAMPLE_COLUMNS}) FROM STDIN", buffer)
        rows = cursor.rowcount
    elapsed = time.perf_counter() - started  # committed: the foreign keys are checked, the log flushed
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM biobank_sample WHERE barcode BETWEEN 'BENCH000000000' AND 'BENCH999999999'")
    print(f"{rows} {elapsed:.3f} {peak_rss_mb():.1f}")


def settle() -> None:
    """Vacuum and analyse the biobank tables, so that each step starts from the same clean tables
    (rows rolled back or deleted by the step before leave dead entries in every index)."""
    setup_django()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE biobank_sample, biobank_historicalsample, biobank_participant, "
                       "biobank_historicalparticipant")


def cleanup() -> None:
    setup_django()
    from django.db import connection

    with connection.cursor() as cursor:
        # What later features hang on the benchmark's participants (consent answers) goes first.
        cursor.execute("DELETE FROM biobank_consentresponse WHERE participant_id IN (SELECT id FROM "
                       "biobank_participant WHERE biobank_id BETWEEN %s AND %s)", [f"BB{FIRST_ID:07d}", "BB8999999"])
        for table, column, low, high in [
            ("biobank_sample", "barcode", "BENCH000000000", "BENCH999999999"),
            ("biobank_historicalsample", "barcode", "BENCH000000000", "BENCH999999999"),
            ("biobank_participant", "biobank_id", f"BB{FIRST_ID:07d}", "BB8999999"),
            ("biobank_historicalparticipant", "biobank_id", f"BB{FIRST_ID:07d}", "BB8999999"),
        ]:
            cursor.execute(f"DELETE FROM {table} WHERE {column} BETWEEN %s AND %s", [low, high])
        bench_freezers = "SELECT id FROM biobank_storagecontainer WHERE parent_id IS NULL AND name LIKE 'BENCH%%'"
        cursor.execute("DELETE FROM biobank_storagecontainer WHERE kind = 'box' AND parent_id IN (SELECT id FROM "
                       f"biobank_storagecontainer WHERE parent_id IN ({bench_freezers}))")
        cursor.execute(f"DELETE FROM biobank_storagecontainer WHERE parent_id IN ({bench_freezers})")
        cursor.execute(bench_freezers.replace("SELECT id FROM", "DELETE FROM"))
        # Compact again: the rows of each run, deleted, would leave the tables several times their
        # size, and the next run's cohort count would scan the empty pages.
        cursor.execute("VACUUM FULL ANALYZE biobank_sample, biobank_historicalsample, biobank_participant, "
                       "biobank_historicalparticipant")


def run_step(*args: str) -> tuple[int, float, float, str]:
    lines = subprocess.run([sys.executable, __file__, "--step", *args], check=True, capture_output=True, text=True,
                           cwd=ROOT).stdout.strip().splitlines()
    rows, seconds, rss = lines[-1].split()
    detail = lines[-2] if len(lines) > 1 and lines[-2].startswith("read+check") else ""
    return int(rows), float(seconds), float(rss), detail


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--samples", type=int, default=100_000)
    parser.add_argument("--step", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        name, *rest = args.step
        {"import": lambda: step_import(*rest), "copy": lambda: step_copy(*rest),
         "copy-table": lambda: step_copy_table(*rest), "settle": settle, "cleanup": cleanup,
         "boxes": lambda: step_boxes(*rest)}[name]()
        return
    with tempfile.TemporaryDirectory() as folder:
        people, tubes = write_files(Path(folder), args.samples)
        subprocess.run([sys.executable, __file__, "--step", "cleanup"], check=True, cwd=ROOT, capture_output=True)
        subprocess.run([sys.executable, __file__, "--step", "boxes", str(args.samples)], check=True, cwd=ROOT,
                       capture_output=True)
        baseline = subprocess.run([sys.executable, "-c", "import django, os, resource, sys; "
                                   "sys.path.insert(0, '.'); django.setup(); "
                                   "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)"],
                                  check=True, capture_output=True, text=True, cwd=ROOT,
                                  env={**os.environ}).stdout.split()[-1]
        print(f"Biobank import benchmark, {args.samples:,} samples "
              f"({tubes.stat().st_size / 1e6:.1f} MB file); a bare Django process peaks at {float(baseline):.0f} MB")
        try:
            for label, step in [("participants import", ("import", str(people), "participants")),
                                ("raw COPY into the table", ("copy-table", str(tubes))),
                                ("raw COPY, scratch table", ("copy", str(tubes))),
                                ("raw COPY + INSERT, no checks", ("copy", str(tubes), "biobank_sample")),
                                ("samples import", ("import", str(tubes), "samples"))]:
                subprocess.run([sys.executable, __file__, "--step", "settle"], check=True, cwd=ROOT,
                               capture_output=True)
                rows, seconds, rss, detail = run_step(*step)
                print(f"  {label:<29} {rows:>9,} rows {seconds:7.2f} s {rows / seconds:>10,.0f} rows/s "
                      f"peak RSS {rss:6.0f} MB" + (f"\n      ({detail})" if detail else ""))
        finally:
            subprocess.run([sys.executable, __file__, "--step", "cleanup"], check=True, cwd=ROOT, capture_output=True)


if __name__ == "__main__":
    main()
