"""The health-record benchmarks: the three-group cohort question against hand-written SQL, and
``import_ehr`` against a raw COPY of the same facts into the fact table.

    DATABASE_URL=postgres://... .venv/bin/python bench/ehr_bench.py import --participants 2000

The import step writes a Synthea-shaped Bulk Data extract (Patient, Condition, Observation,
MedicationRequest files, ~150 resources a participant) for the benchmark's own participants
(biobank ids BB8500001+, MRNs SYN85...), runs ``manage.py import_ehr`` in a process of its own
(peak memory is its own), then deletes those facts and COPYs the very same facts raw into
``ehr_fact`` (the floor), and removes everything it added. Prints rows/s and peak RSS.
``bench/run.py`` runs it at two sizes and checks the ratio and that memory stays flat.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dcr_portal.settings")
FIRST_ID = 8_500_001
MR = {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "MR"}]}
LOINC = [("4548-4", "Hemoglobin A1c", "%", (4.5, 12)), ("2345-7", "Glucose", "mg/dL", (60, 300)),
         ("8480-6", "Systolic blood pressure", "mm[Hg]", (90, 190)), ("39156-5", "BMI", "kg/m2", (16, 45))]
THREE_GROUPS = {"groups": [
    {"criteria": [{"system": "icd10cm", "code": "E11"}]},
    {"criteria": [{"system": "loinc", "code": "4548-4", "value_op": ">", "value": 8, "unit": "%",
                   "within_years": 5}]},
    {"exclude": True, "criteria": [{"system": "rxnorm", "code": "106892"}]}], "sample": {}}
HAND_WRITTEN = """
    WITH dx AS (SELECT DISTINCT participant_id FROM ehr_fact WHERE concept_id = ANY(%(dx)s)),
         lab AS (SELECT DISTINCT participant_id FROM ehr_fact
                 WHERE concept_id = %(lab)s AND value > 8 AND unit = '%%' AND start_date >= %(since)s),
         med AS (SELECT DISTINCT participant_id FROM ehr_fact WHERE concept_id = %(med)s),
         m AS (SELECT p.id FROM biobank_participant p JOIN dx ON dx.participant_id = p.id
               JOIN lab ON lab.participant_id = p.id
               WHERE p.consent_research AND p.withdrawn_on IS NULL
                 AND NOT EXISTS (SELECT 1 FROM med WHERE med.participant_id = p.id))
    SELECT (SELECT count(*) FROM m), count(s.id) FROM biobank_sample s JOIN m ON m.id = s.participant_id
    WHERE s.status = 'available'"""


def setup_django():
    import django

    django.setup()


def peak_rss_mb() -> int:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def _line(label: str, rows: int, seconds: float, rss: int) -> str:
    return f"  {label:<32} {rows:>12,} rows {seconds:8.2f} s {rows / seconds:>10,.0f} rows/s peak RSS {rss:5d} MB"


# --- The three-group question ------------------------------------------------------------------

def three_groups(repeat: int = 15) -> dict:
    """counting.count (the cohort page's query, concept lookup included) against HAND_WRITTEN."""
    setup_django()
    from django.db import connection
    from django.utils import timezone

    from bench.load import paired_p50_ms
    from cohorts import counting
    from cohorts.question import Question
    from ehr.models import Concept

    question = Question.from_dict(THREE_GROUPS)
    today = timezone.localdate()
    params = {"dx": list(Concept.objects.filter(system="icd10cm", code__startswith="E11").values_list("pk", flat=True)),
              "lab": Concept.objects.get(system="loinc", code="4548-4").pk,
              "med": Concept.objects.get(system="rxnorm", code="106892").pk,
              "since": date(today.year - 5, today.month, min(today.day, 28))}

    def orm():
        exact = counting.count(question)
        return exact.participants, exact.samples

    def raw():
        with connection.cursor() as cursor:
            cursor.execute(HAND_WRITTEN, params)
            return tuple(cursor.fetchone())

    if orm() != raw():
        raise SystemExit(f"the cohort count {orm()} differs from the hand-written SQL {raw()}")
    portal, hand = paired_p50_ms(orm, raw, repeat)
    participants, samples = orm()
    return {"participants": participants, "samples": samples, "portal_p50_ms": round(portal, 2),
            "hand_written_p50_ms": round(hand, 2), "ratio": round(portal / hand, 2)}


def explain() -> str:
    """EXPLAIN ANALYZE of the hand-written SQL and of the portal's, for the README."""
    setup_django()
    from django.db import connection

    from cohorts import counting
    from cohorts.question import Question

    matched, params = counting.matched_sql(Question.from_dict(THREE_GROUPS))
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) SELECT count(*) FROM ({matched}) q", params)  # nosec B608
        return "\n".join(row[0] for row in cursor.fetchall())


# --- import_ehr against a raw COPY -----------------------------------------------------------

def write_extract(folder: Path, participants: int) -> int:
    """Bulk Data files for ``participants`` patients (~150 resources each); returns the fact count."""
    rng = random.Random(11)  # nosec B311: synthetic data
    facts = 0
    files = {kind: (folder / f"{kind}.ndjson").open("w") for kind in
             ("Patient", "Condition", "Observation", "MedicationRequest")}
    try:
        for n in range(participants):
            pid = f"bench-{n}"
            subject = {"reference": f"Patient/{pid}"}
            files["Patient"].write(json.dumps({"resourceType": "Patient", "id": pid, "identifier": [
                {"type": MR, "system": "urn:bench", "value": f"SYN85{n:08d}"}]}) + "\n")
            for k in range(10):
                code = "E11.9" if k == 0 and n % 8 == 0 else f"Z{rng.randrange(100):02d}.{rng.randrange(10)}"
                files["Condition"].write(json.dumps({
                    "resourceType": "Condition", "id": f"{pid}-c{k}", "subject": subject,
                    "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": code}]},
                    "onsetDateTime": f"{2010 + k}-0{1 + k % 9}-15"}) + "\n")
            for k in range(125):
                code, name, unit, (low, high) = LOINC[k % len(LOINC)]
                files["Observation"].write(json.dumps({
                    "resourceType": "Observation", "id": f"{pid}-o{k}", "status": "final", "subject": subject,
                    "code": {"coding": [{"system": "http://loinc.org", "code": code, "display": name}]},
                    "effectiveDateTime": f"{(date(2012, 1, 1) + timedelta(days=k * 29)).isoformat()}T09:30:00Z",
                    "valueQuantity": {"value": round(rng.uniform(low, high), 1), "unit": unit, "code": unit}}) + "\n")
            for k in range(15):
                files["MedicationRequest"].write(json.dumps({
                    "resourceType": "MedicationRequest", "id": f"{pid}-m{k}", "status": "active", "intent": "order",
                    "subject": subject, "authoredOn": f"{2012 + k % 10}-03-01",
                    "medicationCodeableConcept": {"coding": [{
                        "system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": f"99{rng.randrange(500):04d}"}]},
                }) + "\n")
            facts += 150
    finally:
        for handle in files.values():
            handle.close()
    return facts


def _participants(count: int) -> None:
    from django.db import connection

    from biobank import crypto
    from common.scale import copy_line, copy_rows

    with connection.cursor() as cursor:
        copy_rows(cursor, "biobank_participant",
                  "biobank_id, mrn_encrypted, mrn_hash, sex, birth_year, consent_research, consent_recontact, "
                  "consent_version, genotyped, genotyping_platform, genotyping_batch, created_at, updated_at",
                  (copy_line([f"BB{FIRST_ID + n:07d}", crypto.encrypt_mrn(f"SYN85{n:08d}"),
                              crypto.mrn_digest(f"SYN85{n:08d}"), "F", 1960, True, False, "v3", False, "", "",
                              "2026-01-01", "2026-01-01"]) for n in range(count)))


def _ours():
    return "participant_id IN (SELECT id FROM biobank_participant WHERE biobank_id >= 'BB8500001' " \
           "AND biobank_id <= 'BB8999999')"


def _cleanup(everything: bool) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM ehr_fact WHERE {_ours()}")  # nosec B608
        cursor.execute(f"DELETE FROM ehr_loadedrecord WHERE {_ours()}")  # nosec B608
        if everything:
            cursor.execute("DELETE FROM ehr_ehrimport WHERE file_name LIKE 'Condition.ndjson%%'")
            cursor.execute("DELETE FROM biobank_participant WHERE biobank_id >= 'BB8500001' "
                           "AND biobank_id <= 'BB8999999'")
        cursor.execute("VACUUM ANALYZE ehr_fact")


def step_import(folder: str) -> None:
    """One import_ehr run, in this process (called as a subprocess by ``run_import``)."""
    setup_django()
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("import_ehr", folder, "--no-progress", "--exported-at", "2026-11-30", stdout=open(os.devnull, "w"))
    seconds = time.perf_counter() - started
    from ehr.models import Fact

    rows = Fact.objects.filter(participant__biobank_id__gte="BB8500001", participant__biobank_id__lte="BB8999999"
                               ).count()
    print(_line("import_ehr", rows, seconds, peak_rss_mb()))


def step_copy(dump: str) -> None:
    """COPY the same facts (dumped before) raw into ehr_fact."""
    setup_django()
    from django.db import connection, transaction

    with open(dump) as handle:
        rows = sum(1 for _ in handle)
    with open(dump) as handle, transaction.atomic(), connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.copy_expert("COPY ehr_fact (participant_id, concept_id, start_date, end_date, value, unit, source_id) "
                           "FROM STDIN", handle)
    seconds = time.perf_counter() - started
    print(_line("raw COPY into ehr_fact", rows, seconds, peak_rss_mb()))


def run_import(participants: int) -> None:
    setup_django()
    from django.db import connection

    _cleanup(everything=True)
    _participants(participants)
    with tempfile.TemporaryDirectory(prefix="dcr-ehr-bench-") as folder:
        write_extract(Path(folder), participants)
        subprocess.run([sys.executable, __file__, "step-import", folder], check=True)
        dump = Path(folder) / "facts.copy"
        with connection.cursor() as cursor, dump.open("w") as handle:
            cursor.copy_expert(f"COPY (SELECT participant_id, concept_id, start_date, end_date, value, unit, source_id "
                               f"FROM ehr_fact WHERE {_ours()}) TO STDOUT", handle)  # nosec B608
        _cleanup(everything=False)
        subprocess.run([sys.executable, __file__, "step-copy", str(dump)], check=True)
    _cleanup(everything=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=["import", "three-groups", "explain", "step-import", "step-copy"])
    parser.add_argument("path", nargs="?")
    parser.add_argument("--participants", type=int, default=2000)
    args = parser.parse_args()
    if args.what == "import":
        run_import(args.participants)
    elif args.what == "three-groups":
        print(json.dumps(three_groups()))
    elif args.what == "explain":
        print(explain())
    elif args.what == "step-import":
        step_import(args.path)
    else:
        step_copy(args.path)


if __name__ == "__main__":
    main()
