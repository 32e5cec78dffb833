"""Synthetic FHIR R4 Bulk Data extracts shaped like Synthea's US Core output (no download).

``Person`` says who a patient is and what their record holds; ``write_extract`` writes one
NDJSON file per resource type, as a Bulk Data ``$export`` does. Every MRN is made up.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass, field
from pathlib import Path

SNOMED, ICD10, LOINC, RXNORM = ("http://snomed.info/sct", "http://hl7.org/fhir/sid/icd-10-cm", "http://loinc.org",
                                "http://www.nlm.nih.gov/research/umls/rxnorm")
MR_TYPE = {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "MR",
                       "display": "Medical record number"}]}

DIABETES = ("44054006", "Diabetes mellitus type 2 (disorder)", "E11.9", "Type 2 diabetes mellitus without complications")
HYPERTENSION = ("38341003", "Hypertensive disorder, systemic arterial (disorder)", "I10", "Essential hypertension")
HBA1C = ("4548-4", "Hemoglobin A1c/Hemoglobin.total in Blood")
METFORMIN = ("860975", "24 HR Metformin hydrochloride 500 MG Extended Release Oral Tablet")
INSULIN = ("106892", "insulin isophane, human 70 UNT/ML / insulin, regular, human 30 UNT/ML Injectable Suspension")


@dataclass
class Person:
    patient_id: str
    mrn: str
    conditions: list[tuple[tuple, str]] = field(default_factory=list)  # (DIABETES, "2019-04-02")
    hba1c: list[tuple[float, str]] = field(default_factory=list)  # (8.4, "2023-05-01T10:00:00Z")
    medications: list[tuple[tuple, str]] = field(default_factory=list)  # (METFORMIN, "2019-05-01")


def patient(person: Person, *, system: str = "http://hospital.example.org/mrn") -> dict:
    return {"resourceType": "Patient", "id": person.patient_id, "meta": {"profile": [
        "http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient"]},
            "identifier": [{"system": "https://github.com/synthetichealth/synthea", "value": person.patient_id},
                           {"type": MR_TYPE, "system": system, "value": person.mrn}],
            "name": [{"family": "Synthetic", "given": ["Test"]}], "gender": "female", "birthDate": "1960-01-01"}


def condition(person: Person, n: int, concept: tuple, onset: str) -> dict:
    snomed, snomed_display, icd, icd_display = concept
    return {"resourceType": "Condition", "id": f"{person.patient_id}-c{n}",
            "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                                           "code": "active"}]},
            "code": {"coding": [{"system": SNOMED, "code": snomed, "display": snomed_display},
                                {"system": ICD10, "code": icd, "display": icd_display}], "text": snomed_display},
            "subject": {"reference": f"Patient/{person.patient_id}"}, "onsetDateTime": onset, "recordedDate": onset}


def hba1c(person: Person, n: int, value: float, when: str) -> dict:
    return {"resourceType": "Observation", "id": f"{person.patient_id}-o{n}", "status": "final",
            "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category",
                                      "code": "laboratory"}]}],
            "code": {"coding": [{"system": LOINC, "code": HBA1C[0], "display": HBA1C[1]}], "text": "HbA1c"},
            "subject": {"reference": f"Patient/{person.patient_id}"}, "effectiveDateTime": when,
            "valueQuantity": {"value": value, "unit": "%", "system": "http://unitsofmeasure.org", "code": "%"}}


def medication(person: Person, n: int, drug: tuple, authored: str) -> dict:
    return {"resourceType": "MedicationRequest", "id": f"{person.patient_id}-m{n}", "status": "active",
            "intent": "order", "medicationCodeableConcept": {"coding": [{"system": RXNORM, "code": drug[0],
                                                                         "display": drug[1]}], "text": drug[1]},
            "subject": {"reference": f"Patient/{person.patient_id}"}, "authoredOn": authored}


def encounter(person: Person) -> dict:
    return {"resourceType": "Encounter", "id": f"{person.patient_id}-e1", "status": "finished",
            "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "AMB"},
            "type": [{"coding": [{"system": SNOMED, "code": "185349003",
                                  "display": "Encounter for check up (procedure)"}]}],
            "subject": {"reference": f"Patient/{person.patient_id}"},
            "period": {"start": "2020-01-01T09:00:00+01:00", "end": "2020-01-01T09:30:00+01:00"}}


def resources(people: list[Person]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {"Patient": [], "Condition": [], "Observation": [], "MedicationRequest": [],
                                  "Encounter": []}
    for person in people:
        out["Patient"].append(patient(person))
        out["Condition"] += [condition(person, n, c, d) for n, (c, d) in enumerate(person.conditions)]
        out["Observation"] += [hba1c(person, n, v, d) for n, (v, d) in enumerate(person.hba1c)]
        out["MedicationRequest"] += [medication(person, n, m, d) for n, (m, d) in enumerate(person.medications)]
        out["Encounter"].append(encounter(person))
    return out


def write_lines(path: Path, lines: list) -> Path:
    text = "".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines)
    if path.name.endswith(".gz"):
        path.write_bytes(gzip.compress(text.encode()))
    else:
        path.write_text(text)
    return path


def write_extract(folder: Path, people: list[Person], *, gz: bool = False,
                  transaction_time: str | None = None) -> Path:
    """One NDJSON file per resource type (and a Bulk Data manifest when ``transaction_time``)."""
    folder.mkdir(parents=True, exist_ok=True)
    suffix = ".ndjson.gz" if gz else ".ndjson"
    for kind, items in resources(people).items():
        write_lines(folder / f"{kind}{suffix}", items)
    if transaction_time:
        (folder / "manifest.json").write_text(json.dumps({
            "transactionTime": transaction_time, "request": "https://ehr.example.org/fhir/$export",
            "requiresAccessToken": True,
            "output": [{"type": kind, "url": f"https://ehr.example.org/files/{kind}{suffix}"}
                       for kind in resources([])]}))
    return folder
