"""Synthetic health records at the biobank's scale: about 150 facts for each of the 40,000 scale
participants (6,000,000 at factor 1), with realistic code frequencies: a few common codes
(hypertension, type 2 diabetes, HbA1c, metformin), a long tail of rare ones (Zipf). Written
with COPY, then vacuumed and analysed so that the covering index answers criteria alone.
Idempotent: participants that already have a loaded record are skipped.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.db import connection, transaction
from django.utils import timezone

from common.scale import copy_line, copy_rows, settle

from . import selectors
from .models import Domain

FACTS_PER_PARTICIPANT = 150
TAIL = 2_000  # rare concepts per domain
# (domain, system, code, display, weight among the domain's facts, unit, value range)
COMMON = [
    (Domain.CONDITION, "icd10cm", "I10", "Essential (primary) hypertension", 30, "", None),
    (Domain.CONDITION, "icd10cm", "E78.5", "Hyperlipidemia, unspecified", 20, "", None),
    (Domain.CONDITION, "icd10cm", "E11.9", "Type 2 diabetes mellitus without complications", 10, "", None),
    (Domain.CONDITION, "icd10cm", "E11.65", "Type 2 diabetes mellitus with hyperglycemia", 3, "", None),
    (Domain.CONDITION, "icd10cm", "J45.909", "Unspecified asthma, uncomplicated", 8, "", None),
    (Domain.CONDITION, "snomed", "44054006", "Diabetes mellitus type 2 (disorder)", 10, "", None),
    (Domain.OBSERVATION, "loinc", "4548-4", "Hemoglobin A1c/Hemoglobin.total in Blood", 8, "%", (4.5, 12.0)),
    (Domain.OBSERVATION, "loinc", "2345-7", "Glucose [Mass/volume] in Serum or Plasma", 15, "mg/dL", (60, 300)),
    (Domain.OBSERVATION, "loinc", "2093-3", "Cholesterol [Mass/volume] in Serum or Plasma", 10, "mg/dL", (120, 320)),
    (Domain.OBSERVATION, "loinc", "8480-6", "Systolic blood pressure", 20, "mm[Hg]", (90, 190)),
    (Domain.OBSERVATION, "loinc", "39156-5", "Body mass index (BMI) [Ratio]", 10, "kg/m2", (16, 45)),
    (Domain.MEDICATION, "rxnorm", "860975", "24 HR Metformin hydrochloride 500 MG Extended Release Oral Tablet", 12,
     "", None),
    (Domain.MEDICATION, "rxnorm", "106892", "insulin isophane, human 70 UNT/ML / insulin, regular, human 30 UNT/ML",
     4, "", None),
    (Domain.MEDICATION, "rxnorm", "314076", "lisinopril 10 MG Oral Tablet", 15, "", None),
    (Domain.MEDICATION, "rxnorm", "617312", "atorvastatin 10 MG Oral Tablet", 15, "", None),
    (Domain.PROCEDURE, "snomed", "430193006", "Medication Reconciliation (procedure)", 20, "", None),
    (Domain.ENCOUNTER, "snomed", "185349003", "Encounter for check up (procedure)", 40, "", None),
]
# How a participant's ~150 facts split between domains.
SHARE = {Domain.CONDITION: 12, Domain.OBSERVATION: 100, Domain.MEDICATION: 18, Domain.PROCEDURE: 10,
         Domain.ENCOUNTER: 10}
TAIL_SYSTEM = {Domain.CONDITION: "icd10cm", Domain.OBSERVATION: "loinc", Domain.MEDICATION: "rxnorm",
               Domain.PROCEDURE: "snomed", Domain.ENCOUNTER: "snomed"}
SOURCE = {Domain.CONDITION: "Condition", Domain.OBSERVATION: "Observation", Domain.MEDICATION: "MedicationRequest",
          Domain.PROCEDURE: "Procedure", Domain.ENCOUNTER: "Encounter"}


def _tail_code(domain: str, n: int) -> str:
    return {Domain.CONDITION: f"Z{n // 100:02d}.{n % 100:02d}", Domain.OBSERVATION: f"9{n:05d}-0",
            Domain.MEDICATION: f"99{n:05d}", Domain.PROCEDURE: f"98{n:06d}", Domain.ENCOUNTER: f"97{n:06d}"}[domain]


def _concepts(cursor) -> dict[str, list[tuple[int, str, tuple | None, float]]]:
    """Every scale concept, created if missing: {domain: [(id, unit, value range, weight)]}."""
    rows = [(d, s, c, name) for d, s, c, name, *_ in COMMON]
    rows += [(domain, TAIL_SYSTEM[domain], _tail_code(domain, n), f"Synthetic rare {domain} {n}")
             for domain in SHARE for n in range(TAIL)]
    cursor.execute("CREATE TEMP TABLE ehr_scale_concept (domain text, system text, code text, display text) "
                   "ON COMMIT DROP")
    copy_rows(cursor, "ehr_scale_concept", "domain, system, code, display", (copy_line(row) for row in rows))
    cursor.execute("""INSERT INTO ehr_concept (domain, system, code, display, participant_count, fact_count)
                      SELECT domain, system, code, display, 0, 0 FROM ehr_scale_concept
                      ON CONFLICT (system, code) DO NOTHING""")
    cursor.execute("SELECT c.system, c.code, c.id FROM ehr_concept c JOIN ehr_scale_concept s USING (system, code)")
    ids = {(system, code): pk for system, code, pk in cursor.fetchall()}
    by_domain: dict[str, list] = {domain: [] for domain in SHARE}
    for domain, system, code, _name, weight, unit, values in COMMON:
        by_domain[domain].append((ids[(system, code)], unit, values, float(weight)))
    for domain in SHARE:
        for n in range(TAIL):  # Zipf: the n-th rare code is n+1 times rarer than the first
            by_domain[domain].append((ids[(TAIL_SYSTEM[domain], _tail_code(domain, n))], "", None, 2.0 / (n + 1)))
    return by_domain


def _fact_lines(rng: random.Random, participant_ids: list[int], concepts: dict, today: date):
    cumulative = {}
    for domain, items in concepts.items():
        total, cum = 0.0, []
        for item in items:
            total += item[3]
            cum.append(total)
        cumulative[domain] = cum
    serial = 0
    for pid in participant_ids:
        for domain, share in SHARE.items():
            for concept_id, unit, values, _ in rng.choices(concepts[domain], cum_weights=cumulative[domain],
                                                           k=rng.randrange(share // 2, share * 3 // 2 + 1)):
                serial += 1
                value = round(rng.uniform(*values), 1) if values else None
                yield copy_line([pid, concept_id, today - timedelta(days=rng.randrange(1, 5475)), None, value, unit,
                                 f"{SOURCE[domain]}/s{serial}"])


def seed(stdout=None, factor: float = 1.0) -> str:
    from biobank.models import Participant

    from .models import LoadedRecord

    people = list(Participant.objects.filter(biobank_id__gte="BB5000001", biobank_id__lte="BB5999999")
                  .order_by("biobank_id").values_list("pk", flat=True))
    if not people:
        return "no scale participants (seed biobank first)"
    done = set(LoadedRecord.objects.filter(participant_id__in=people).values_list("participant_id", flat=True))
    todo = [pk for pk in people if pk not in done]
    if not todo:
        return f"already at scale ({len(done):,} participants with records)"
    rng = random.Random(2027)  # nosec B311: seeded generator for synthetic scale data
    with transaction.atomic(), connection.cursor() as cursor:
        concepts = _concepts(cursor)
        if stdout:
            stdout.write(f"  ehr: about {len(todo) * FACTS_PER_PARTICIPANT:,} facts for {len(todo):,} participants ...")
        facts = copy_rows(cursor, "ehr_fact", "participant_id, concept_id, start_date, end_date, value, unit, "
                                              "source_id", _fact_lines(rng, todo, concepts, timezone.localdate()))
        cursor.execute("""INSERT INTO ehr_loadedrecord (participant_id, extracted_at, loaded_at, fact_count)
                          SELECT participant_id, now(), now(), count(*) FROM ehr_fact
                          WHERE participant_id IN (SELECT unnest(%s::bigint[])) GROUP BY participant_id
                          ON CONFLICT (participant_id) DO NOTHING""", [todo])
        cursor.execute("""UPDATE ehr_concept c SET participant_count = n.people, fact_count = n.facts
                          FROM (SELECT concept_id, count(DISTINCT participant_id) AS people, count(*) AS facts
                                FROM ehr_fact GROUP BY concept_id) n WHERE c.id = n.concept_id""")
    settle("ehr_fact", "ehr_concept")
    selectors.concepts_changed()
    return f"{facts:,} facts for {len(todo):,} participants"
