"""One FHIR R4 resource (US Core) read into the facts it holds, or a message saying what is wrong.

Pure Python, no database: the engine stages what this returns. Each reader returns the
resource id, the id of the patient it concerns and its facts as
``(domain, system, code, display, start, end, value, unit)``.
"""

from __future__ import annotations

import re
from datetime import date

from biobank import crypto

from ..models import CodeSystem, Domain

SYSTEMS = {
    "http://snomed.info/sct": CodeSystem.SNOMED,
    "http://hl7.org/fhir/sid/icd-10-cm": CodeSystem.ICD10CM,
    "http://loinc.org": CodeSystem.LOINC,
    "http://www.nlm.nih.gov/research/umls/rxnorm": CodeSystem.RXNORM,
    "http://www.ama-assn.org/go/cpt": CodeSystem.CPT,
    "http://terminology.hl7.org/CodeSystem/v3-ActCode": CodeSystem.ACT,
}
MAX_SYSTEM, MAX_CODE, MAX_DISPLAY, MAX_UNIT, MAX_ID = 200, 100, 500, 40, 64

# FHIR's date and dateTime (and instant, a dateTime with seconds and zone); the day is checked after.
DATE_TIME = re.compile(
    r"^(?P<y>[0-9]{4})(-(?P<m>0[1-9]|1[0-2])(-(?P<d>0[1-9]|[12][0-9]|3[01])"
    r"(T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]{1,9})?(Z|[+-]((0[0-9]|1[0-3]):[0-5][0-9]|14:00)))?)?)?$")
ID = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")


# What repeats from line to line (dates, codings, patient references) is read once: each memo
# maps a value to what reading it gave, and is emptied when full, so memory stays flat.
MEMO_SIZE = 50_000
_DATES: dict[str, str] = {}
_CODINGS: dict[tuple, tuple | None] = {}
_PATIENTS: dict[str, str] = {}


def _remember(memo: dict, key, value):
    if len(memo) >= MEMO_SIZE:
        memo.clear()
    memo[key] = value
    return value


class BadResource(Exception):
    """A resource the loader must refuse; the message names the field."""


class Skipped(Exception):
    """A well-formed resource that holds nothing the portal keeps (the reason is counted)."""


def fhir_date(value, field: str) -> str | None:
    """The first day a FHIR date or dateTime covers, as YYYY-MM-DD ("2019" is 2019-01-01), or BadResource."""
    if value is None:
        return None
    if value.__class__ is str:
        known = _DATES.get(value)
        if known is not None:
            return known
    match = DATE_TIME.match(value) if isinstance(value, str) else None
    if not match:
        raise BadResource(f"{field} \"{str(value)[:40]}\" is not a FHIR date")
    year, month, day = match["y"], match["m"] or "01", match["d"] or "01"
    if day > "28" or year == "0000":  # the pattern allows 29-31 in every month, and year 0: the calendar decides
        try:
            date(int(year), int(month), int(day))
        except ValueError:
            raise BadResource(f"{field} \"{value[:40]}\" is not a day of the calendar") from None
    return _remember(_DATES, value, f"{year}-{month}-{day}")


def _period(resource: dict, *names: str) -> tuple[str | None, str | None]:
    """(start, end) from the first of ``names`` present: a dateTime, a Period or an instant."""
    for name in names:
        value = resource.get(name)
        if value is None:
            continue
        if isinstance(value, dict):  # Period
            return fhir_date(value.get("start"), f"{name}.start"), fhir_date(value.get("end"), f"{name}.end")
        return fhir_date(value, name), None
    return None, None


def _codings(concept, field: str) -> list[tuple[str, str, str]]:
    """(system, code, display) of a CodeableConcept's codings that name a system and a code."""
    if concept is None:
        return []
    if not isinstance(concept, dict):
        raise BadResource(f"{field} is not a CodeableConcept")
    text = concept.get("text") or ""
    found = []
    for coding in concept.get("coding") or ():
        if not isinstance(coding, dict):
            raise BadResource(f"{field}.coding is not a list of codings")
        key = (coding.get("system"), coding.get("code"), coding.get("display"), text)
        try:
            known = _CODINGS[key]
        except KeyError:
            known = _remember(_CODINGS, key, _coding(*key))
        except TypeError:  # a display that is a list or an object: read, not remembered
            known = _coding(*key)
        if known is not None:
            found.append(known)
    return found


def _coding(system, code, display, text) -> tuple[str, str, str] | None:
    if not (isinstance(system, str) and isinstance(code, str) and system and code.strip()):
        return None
    return SYSTEMS.get(system, system[:MAX_SYSTEM]), code.strip()[:MAX_CODE], str(display or text)[:MAX_DISPLAY]


def _patient_id(resource: dict, field: str = "subject") -> str:
    reference = (resource.get(field) or {}).get("reference") if isinstance(resource.get(field), dict) else None
    if not isinstance(reference, str) or not reference:
        raise BadResource(f"{field}: the resource names no patient")
    known = _PATIENTS.get(reference)
    return known if known is not None else _remember(_PATIENTS, reference, _referenced_patient(reference, field))


def _referenced_patient(reference: str, field: str) -> str:
    # "Patient/123", an absolute URL ending so, or a bundle's "urn:uuid:123".
    if "Patient/" in reference:
        patient = reference.rsplit("Patient/", 1)[1].split("/", 1)[0]
    elif reference.startswith("urn:uuid:"):
        patient = reference[9:]
    else:
        raise BadResource(f"{field}.reference \"{reference[:60]}\" is not a reference to a Patient")
    if not patient:
        raise BadResource(f"{field}.reference names no patient id")
    return patient


def _facts(domain: str, codings, start, end, value=None, unit="") -> list[tuple]:
    return [(domain, system, code, display, start, end, value, unit) for system, code, display in codings]


def _quantity(resource: dict, field: str = "valueQuantity") -> tuple[float | None, str]:
    quantity = resource.get(field)
    if quantity is None:
        return None, ""
    if not isinstance(quantity, dict):
        raise BadResource(f"{field} is not a Quantity")
    value = quantity.get("value")
    if value is None:
        return None, ""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise BadResource(f"{field}.value \"{str(value)[:20]}\" is not a number")
    unit = quantity.get("code") or quantity.get("unit") or ""
    return float(value), str(unit)[:MAX_UNIT]


def condition(r: dict) -> list[tuple]:
    start, _ = _period(r, "onsetDateTime", "onsetPeriod")
    if start is None:
        start, _ = _period(r, "recordedDate")
    _, end = _period(r, "abatementPeriod")
    end = end or _period(r, "abatementDateTime")[0]
    return _facts(Domain.CONDITION, _codings(r.get("code"), "code"), start, end)


def observation(r: dict) -> list[tuple]:
    start, end = _period(r, "effectiveDateTime", "effectivePeriod", "effectiveInstant", "issued")
    value, unit = _quantity(r)
    facts = _facts(Domain.OBSERVATION, _codings(r.get("code"), "code"), start, end, value, unit)
    for n, component in enumerate(r.get("component") or ()):
        if isinstance(component, dict) and component.get("valueQuantity") is not None:
            value, unit = _quantity(component, "valueQuantity")
            facts += _facts(Domain.OBSERVATION, _codings(component.get("code"), f"component[{n}].code"), start, end,
                            value, unit)
    return facts


def _medication(r: dict, *dates: str) -> list[tuple]:
    if r.get("medicationCodeableConcept") is None and r.get("medicationReference") is not None:
        raise Skipped("medication given by reference")
    start, end = _period(r, *dates)
    return _facts(Domain.MEDICATION, _codings(r.get("medicationCodeableConcept"), "medicationCodeableConcept"),
                  start, end)


def medication_request(r: dict) -> list[tuple]:
    return _medication(r, "authoredOn")


def medication_statement(r: dict) -> list[tuple]:
    return _medication(r, "effectiveDateTime", "effectivePeriod", "dateAsserted")


def procedure(r: dict) -> list[tuple]:
    start, end = _period(r, "performedDateTime", "performedPeriod")
    return _facts(Domain.PROCEDURE, _codings(r.get("code"), "code"), start, end)


def encounter(r: dict) -> list[tuple]:
    start, end = _period(r, "period")
    codings = []
    for n, kind in enumerate(r.get("type") or ()):
        codings += _codings(kind, f"type[{n}]")
    kind = r.get("class")
    if isinstance(kind, dict) and kind.get("code"):
        codings += _codings({"coding": [kind]}, "class")
    return _facts(Domain.ENCOUNTER, codings, start, end)


READERS = {
    "Condition": condition,
    "Observation": observation,
    "MedicationRequest": medication_request,
    "MedicationStatement": medication_statement,
    "Procedure": procedure,
    "Encounter": encounter,
}
RESOURCE_TYPES = ("Patient", *READERS)


def resource_id(resource: dict) -> str:
    rid = resource.get("id")
    if not isinstance(rid, str) or not ID.match(rid):
        raise BadResource("id: the resource has no valid id")
    return rid


def patient_mrn_digest(resource: dict) -> str | None:
    """The blind index of the Patient's medical record number (identifier typed MR), if it has a usable one."""
    for identifier in resource.get("identifier") or ():
        if not isinstance(identifier, dict):
            raise BadResource("identifier is not a list of identifiers")
        codings = ((identifier.get("type") or {}).get("coding") or ()) if isinstance(identifier.get("type"), dict) else ()
        if any(isinstance(c, dict) and c.get("code") == "MR" for c in codings):
            value = identifier.get("value")
            mrn = crypto.normalize_mrn(value) if isinstance(value, str) else ""
            if crypto.MRN_PATTERN.match(mrn):
                return crypto.mrn_digest(mrn)
    return None


def read(resource: dict) -> tuple[str, str, list[tuple]]:
    """(id, patient id, facts) of a clinical resource; raises BadResource or Skipped."""
    rid = resource_id(resource)
    patient = _patient_id(resource)
    facts = READERS[resource["resourceType"]](resource)
    if not facts:
        raise Skipped("no code of a known kind")
    return rid, patient, facts
