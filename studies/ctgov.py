"""Import studies from ClinicalTrials.gov API v2 JSON, saved to a file (no network at run time).

A file holds either one study record, a list of them, or a search response
(``{"studies": [...]}``). Each record creates or updates the study with its NCT number.
A record with a missing or unknown value is refused with a clear message naming the field;
the other records are still imported. New studies stay out of the trial finder
(``is_public`` off) until staff have written their plain-language text.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from centers.models import Center

from .models import Condition, Study

PHASES = {"EARLY_PHASE1": Study.Phase.EARLY_1, "PHASE1": Study.Phase.PHASE_1, "PHASE2": Study.Phase.PHASE_2,
          "PHASE3": Study.Phase.PHASE_3, "PHASE4": Study.Phase.PHASE_4, "NA": Study.Phase.NOT_APPLICABLE}
# The order in which a combined phase (e.g. PHASE1 + PHASE2) is reduced to the later one.
PHASE_ORDER = [Study.Phase.NOT_APPLICABLE, Study.Phase.EARLY_1, Study.Phase.PHASE_1, Study.Phase.PHASE_2,
               Study.Phase.PHASE_3, Study.Phase.PHASE_4]
STATUSES = {
    "NOT_YET_RECRUITING": Study.Status.NOT_YET_RECRUITING,
    "RECRUITING": Study.Status.RECRUITING,
    "ENROLLING_BY_INVITATION": Study.Status.ACTIVE_NOT_RECRUITING,
    "ACTIVE_NOT_RECRUITING": Study.Status.ACTIVE_NOT_RECRUITING,
    "SUSPENDED": Study.Status.ACTIVE_NOT_RECRUITING,
    "COMPLETED": Study.Status.COMPLETED,
    "TERMINATED": Study.Status.TERMINATED,
    "WITHDRAWN": Study.Status.WITHDRAWN,
}
SEXES = {"ALL": Study.Sex.ALL, "FEMALE": Study.Sex.FEMALE, "MALE": Study.Sex.MALE}
_AGE = re.compile(r"^\s*(\d+)\s+(Year|Years|Month|Months|Week|Weeks|Day|Days|Hour|Hours|Minute|Minutes)\s*$", re.I)
_NCT = re.compile(r"^NCT\d{8}$")


class RecordError(ValueError):
    """A record that cannot be imported; the message says which field and why."""


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # (record number, NCT id or "?", message)

    @property
    def ok(self) -> bool:
        return not self.errors


def load_records(path: str | Path) -> list[Any]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise RecordError(f"the file is not valid JSON: {error.msg} at line {error.lineno}") from error
    except UnicodeDecodeError as error:
        raise RecordError("the file is not UTF-8 text (save it as UTF-8 JSON)") from error
    if isinstance(data, dict) and "studies" in data:
        data = data["studies"]
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        raise RecordError("the file must hold a study record, a list of them, or a search response")
    return data


def _get(record: dict, *path: str, required: bool = True) -> Any:
    node: Any = record
    for key in path:
        if not isinstance(node, dict) or key not in node:
            if required:
                raise RecordError(f"missing field {'.'.join(path)}")
            return None
        node = node[key]
    return node


def age_in_years(value: str | None, field_name: str) -> int | None:
    if value in (None, "", "N/A"):
        return None
    match = _AGE.match(value) if isinstance(value, str) else None
    if not match:
        raise RecordError(f"{field_name} “{value}” is not an age such as “18 Years”")
    number, unit = int(match.group(1)), match.group(2).lower()
    if unit.startswith("year"):
        return number
    if unit.startswith("month"):
        return number // 12
    return 0


def _has_nul(node: Any) -> bool:
    if isinstance(node, str):
        return "\x00" in node
    if isinstance(node, dict):
        return any(_has_nul(key) or _has_nul(value) for key, value in node.items())
    if isinstance(node, list):
        return any(_has_nul(item) for item in node)
    return False


def _list(value: Any, name: str) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise RecordError(f"{name} must be a list")
    return value


def _people(value: Any, name: str) -> list[dict[str, str]]:
    """Officials or contacts: their text fields only (a number or list in place of a name is skipped)."""
    return [{key: text for key, text in person.items() if isinstance(text, str)}
            for person in _list(value, name) if isinstance(person, dict)]


def parse_record(record: Any) -> dict[str, Any]:
    """The study fields of one record, or RecordError."""
    if not isinstance(record, dict):
        raise RecordError("a record must be a JSON object")
    if _has_nul(record):
        raise RecordError("a field holds a NUL character (\\u0000), which no text field can store")
    protocol = _get(record, "protocolSection")
    nct_id = _get(protocol, "identificationModule", "nctId")
    if not isinstance(nct_id, str) or not _NCT.match(nct_id):
        raise RecordError(f"identificationModule.nctId “{nct_id}” is not an NCT number such as NCT01234567")
    title = _get(protocol, "identificationModule", "briefTitle")
    official = _get(protocol, "identificationModule", "officialTitle", required=False) or title
    if not isinstance(official, str):
        raise RecordError("identificationModule.officialTitle must be text")
    summary = _get(protocol, "descriptionModule", "briefSummary")
    status_code = _get(protocol, "statusModule", "overallStatus")
    if not isinstance(status_code, str) or status_code not in STATUSES:
        raise RecordError(f"statusModule.overallStatus “{status_code}” is not a status we know "
                          f"({', '.join(sorted(STATUSES))})")
    phase_codes = _list(_get(protocol, "designModule", "phases", required=False), "designModule.phases") or ["NA"]
    unknown = [code for code in phase_codes if not isinstance(code, str) or code not in PHASES]
    if unknown:
        raise RecordError(f"designModule.phases has unknown value(s): {', '.join(map(str, unknown))}")
    phase = max((PHASES[code] for code in phase_codes), key=PHASE_ORDER.index)
    conditions = _list(_get(protocol, "conditionsModule", "conditions", required=False), "conditionsModule.conditions")
    keywords = _list(_get(protocol, "conditionsModule", "keywords", required=False), "conditionsModule.keywords")
    eligibility = _get(protocol, "eligibilityModule", required=False) or {}
    if not isinstance(eligibility, dict):
        raise RecordError("eligibilityModule must be an object")
    sex_code = eligibility.get("sex", "ALL")
    if not isinstance(sex_code, str) or sex_code not in SEXES:
        raise RecordError(f"eligibilityModule.sex “{sex_code}” must be ALL, FEMALE or MALE")
    healthy = eligibility.get("healthyVolunteers", False)
    if not isinstance(healthy, bool):
        raise RecordError("eligibilityModule.healthyVolunteers must be true or false")
    min_age = age_in_years(eligibility.get("minimumAge"), "eligibilityModule.minimumAge")
    max_age = age_in_years(eligibility.get("maximumAge"), "eligibilityModule.maximumAge")
    if min_age is not None and max_age is not None and min_age > max_age:
        raise RecordError("eligibilityModule.minimumAge is above maximumAge")
    officials = _people(_get(protocol, "contactsLocationsModule", "overallOfficials", required=False),
                        "contactsLocationsModule.overallOfficials")
    contacts = _people(_get(protocol, "contactsLocationsModule", "centralContacts", required=False),
                       "contactsLocationsModule.centralContacts")
    for name, value in (("briefTitle", title), ("briefSummary", summary)):
        if not isinstance(value, str) or not value.strip():
            raise RecordError(f"{name} is empty")
    if not isinstance(eligibility.get("eligibilityCriteria") or "", str):
        raise RecordError("eligibilityModule.eligibilityCriteria must be text")
    return {
        "nct_id": nct_id,
        "title": official.strip()[:300],
        "lay_title": title.strip()[:200],
        "summary": summary.strip(),
        "status": STATUSES[status_code],
        "phase": phase,
        "conditions": [c.strip()[:120] for c in conditions if isinstance(c, str) and c.strip()],
        "keywords": ", ".join(k.strip() for k in keywords if isinstance(k, str) and k.strip())[:300],
        "eligibility": (eligibility.get("eligibilityCriteria") or "").strip(),
        "sex": SEXES[sex_code],
        "healthy_volunteers": healthy,
        "min_age": min_age,
        "max_age": max_age,
        "pi_name": next((o.get("name") for o in officials if isinstance(o, dict) and o.get("name")), "")[:150],
        "contact_name": next((c.get("name") for c in contacts if isinstance(c, dict) and c.get("name")), "")[:150],
        "contact_email": next((c.get("email") for c in contacts if isinstance(c, dict) and c.get("email")), ""),
        "contact_phone": next((c.get("phone") for c in contacts if isinstance(c, dict) and c.get("phone")), "")[:32],
    }


def _conditions(names: list[str]) -> list[Condition]:
    found = []
    for name in names:
        condition = Condition.objects.filter(name__iexact=name).first()
        if condition is None:
            condition = Condition.objects.create(name=name, slug=_unique_slug(name))
        found.append(condition)
    return found


def _unique_slug(name: str) -> str:
    base = slugify(name)[:110] or "condition"
    slug, n = base, 2
    while Condition.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


# Fields the registry owns: an update overwrites them. The plain-language fields (lay title,
# summary, eligibility) are written only when the study is new, so staff edits survive.
REGISTRY_FIELDS = ["title", "status", "phase", "sex", "healthy_volunteers", "min_age", "max_age", "keywords"]


def import_record(record: Any, *, center: Center) -> tuple[Study, bool]:
    data = parse_record(record)
    with transaction.atomic():
        study = Study.objects.select_for_update().filter(nct_id=data["nct_id"]).first()
        created = study is None
        if created:
            study = Study(nct_id=data["nct_id"], center=center, is_public=False,
                          lay_title=data["lay_title"], summary=data["summary"],
                          eligibility=data["eligibility"] or "See the eligibility criteria on ClinicalTrials.gov.",
                          pi_name=data["pi_name"] or "Listed on ClinicalTrials.gov",
                          contact_name=data["contact_name"], contact_phone=data["contact_phone"],
                          contact_email=data["contact_email"] or center.contact_email)
        for name in REGISTRY_FIELDS:
            setattr(study, name, data[name])
        try:
            study.full_clean(exclude=["search_vector"])
        except ValidationError as error:
            raise RecordError("; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items())) from error
        study.save()
        study.conditions.set(_conditions(data["conditions"]))
    return study, created


def import_file(path: str | Path, *, center: Center) -> ImportReport:
    report = ImportReport()
    for number, record in enumerate(load_records(path), start=1):
        nct = "?"
        try:
            nct = str(_get(record, "protocolSection", "identificationModule", "nctId", required=False) or "?") \
                if isinstance(record, dict) else "?"
            study, created = import_record(record, center=center)
        except RecordError as error:
            report.errors.append((number, nct, str(error)))
            continue
        (report.created if created else report.updated).append(study.nct_id)
    return report
