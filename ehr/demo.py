"""Synthetic demo health records: a Synthea-shaped FHIR Bulk Data extract for the demo biobank's
participants (and some people outside the biobank, whom the load discards), loaded through the
real loader. About one in eight has type 2 diabetes, with HbA1c values and metformin or insulin.
Every record is made up. Idempotent: a second run loads nothing.
"""

from __future__ import annotations

import random
import tempfile
from datetime import date, timedelta
from pathlib import Path

import orjson
from django.utils import timezone

from biobank.demo import FIRST_ID, PARTICIPANTS

from . import loader
from .models import LoadedRecord

OUTSIDERS = 200
MR = {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "MR"}]}
SNOMED, ICD10, LOINC, RXNORM = ("http://snomed.info/sct", "http://hl7.org/fhir/sid/icd-10-cm", "http://loinc.org",
                                "http://www.nlm.nih.gov/research/umls/rxnorm")
CONDITIONS = [  # (snomed, icd-10-cm, name, share of people)
    ("44054006", "E11.9", "Type 2 diabetes mellitus", 0.12), ("38341003", "I10", "Essential hypertension", 0.30),
    ("55822004", "E78.5", "Hyperlipidemia", 0.20), ("195967001", "J45.909", "Asthma", 0.08),
    ("49436004", "I48.91", "Atrial fibrillation", 0.04), ("73211009", "E10.9", "Type 1 diabetes mellitus", 0.01),
]
LABS = [("4548-4", "Hemoglobin A1c/Hemoglobin.total in Blood", "%"),
        ("2345-7", "Glucose [Mass/volume] in Serum or Plasma", "mg/dL"),
        ("2093-3", "Cholesterol [Mass/volume] in Serum or Plasma", "mg/dL"),
        ("8480-6", "Systolic blood pressure", "mm[Hg]")]
METFORMIN = ("860975", "24 HR Metformin hydrochloride 500 MG Extended Release Oral Tablet")
INSULIN = ("106892", "insulin isophane, human 70 UNT/ML / insulin, regular, human 30 UNT/ML Injectable Suspension")
LISINOPRIL = ("314076", "lisinopril 10 MG Oral Tablet")


def _coding(system: str, code: str, display: str) -> dict:
    return {"coding": [{"system": system, "code": code, "display": display}], "text": display}


def _person(rng: random.Random, n: int, mrn: str, today: date) -> list[dict]:
    pid = f"demo-{n}"
    subject = {"reference": f"Patient/{pid}"}
    out = [{"resourceType": "Patient", "id": pid, "identifier": [{"type": MR, "system": "urn:demo:mrn",
                                                                  "value": mrn}], "gender": "unknown"}]
    diabetic = False
    for k, (snomed, icd, name, share) in enumerate(CONDITIONS):
        if rng.random() < share:
            diabetic = diabetic or icd == "E11.9"
            onset = today - timedelta(days=rng.randrange(200, 4000))
            out.append({"resourceType": "Condition", "id": f"{pid}-c{k}", "subject": subject,
                        "code": {"coding": [{"system": SNOMED, "code": snomed, "display": name},
                                            {"system": ICD10, "code": icd, "display": name}], "text": name},
                        "onsetDateTime": onset.isoformat()})
    for k in range(rng.randrange(6, 16)):
        code, name, unit = LABS[k % len(LABS)]
        value = {"%": rng.uniform(7.0, 11.5) if diabetic else rng.uniform(4.6, 6.2), "mm[Hg]": rng.uniform(100, 170),
                 "mg/dL": rng.uniform(70, 260)}[unit]
        when = today - timedelta(days=rng.randrange(10, 3600))
        out.append({"resourceType": "Observation", "id": f"{pid}-o{k}", "status": "final", "subject": subject,
                    "code": _coding(LOINC, code, name), "effectiveDateTime": f"{when.isoformat()}T09:00:00Z",
                    "valueQuantity": {"value": round(value, 1), "unit": unit, "code": unit}})
    drugs = ([METFORMIN] if diabetic else []) + ([INSULIN] if diabetic and rng.random() < 0.3 else []) + (
        [LISINOPRIL] if rng.random() < 0.25 else [])
    for k, (code, name) in enumerate(drugs):
        out.append({"resourceType": "MedicationRequest", "id": f"{pid}-m{k}", "status": "active", "intent": "order",
                    "subject": subject, "medicationCodeableConcept": _coding(RXNORM, code, name),
                    "authoredOn": (today - timedelta(days=rng.randrange(30, 3000))).isoformat()})
    out.append({"resourceType": "Encounter", "id": f"{pid}-e0", "status": "finished", "subject": subject,
                "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "AMB"},
                "period": {"start": f"{(today - timedelta(days=rng.randrange(1, 400))).isoformat()}T08:00:00Z"}})
    return out


def load() -> str:
    first = f"BB{FIRST_ID:07d}"
    if LoadedRecord.objects.filter(participant__biobank_id=first).exists():
        return ""
    rng = random.Random(14)  # nosec B311: seeded generator for synthetic demo data
    today = timezone.localdate()
    with tempfile.TemporaryDirectory(prefix="dcr-demo-ehr-") as folder:
        path = Path(folder) / "demo-export.ndjson"
        with path.open("wb") as handle:
            for n in range(PARTICIPANTS + OUTSIDERS):
                mrn = f"SYN{700_000_000 + n}" if n < PARTICIPANTS else f"OUT{n:07d}"
                for resource in _person(rng, n, mrn, today):
                    handle.write(orjson.dumps(resource) + b"\n")
        result = load_extract(path)
    return f"{result.facts:,} health-record facts of {result.participants:,} participants (synthetic)"


def load_extract(path: Path):
    return loader.load([loader.Source(path.name, lambda: path.open("rb"), path.stat().st_size)],
                       extracted_at=timezone.now())
