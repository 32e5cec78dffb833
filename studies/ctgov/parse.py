"""One API v2 study record -> checked values for a study, its registry record and its sites.

Every value of the registry's data model is accepted and kept (statuses in lower case,
combined phases, ages with their unit); a value outside it, or of the wrong type, is refused
with a message naming the field, e.g. ``contactsLocationsModule.locations[3].geoPoint.lat``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .. import registry_values as values
from .formats import RecordError, is_api_v1

_AGE = re.compile(r"^\s*(\d+)\s+(Year|Month|Week|Day|Hour|Minute)s?\s*$", re.I)
_NCT = re.compile(r"^NCT\d{8}$")
_PARTIAL_DATE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?$")
SEXES = {"ALL": "all", "FEMALE": "female", "MALE": "male"}


@dataclass
class ParsedStudy:
    study: dict[str, Any]
    conditions: list[str]
    registry: dict[str, Any]
    locations: list[dict[str, Any]] = field(default_factory=list)
    contact: dict[str, str] = field(default_factory=dict)

    @property
    def nct_id(self) -> str:
        return self.study["nct_id"]


def _get(node: Any, *path: str, required: bool = False) -> Any:
    for key in path:
        if not isinstance(node, dict) or key not in node:
            if required:
                raise RecordError(f"missing field {'.'.join(path)}")
            return None
        node = node[key]
    return node


def _module(protocol: dict, name: str) -> dict:
    node = protocol.get(name)
    if node is None:
        return {}
    if not isinstance(node, dict):
        raise RecordError(f"{name} must be an object")
    return node


def _text(value: Any, name: str, *, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise RecordError(f"{name} must be text")
    if required and not value.strip():
        raise RecordError(f"{name.rsplit('.', 1)[-1]} is empty")
    return value.strip()


def _list(value: Any, name: str) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise RecordError(f"{name} must be a list")
    return value


def _objects(value: Any, name: str) -> list[tuple[str, dict]]:
    """(field name with index, object) for each item of a list of objects."""
    items = []
    for index, item in enumerate(_list(value, name)):
        if not isinstance(item, dict):
            raise RecordError(f"{name}[{index}] must be an object")
        items.append((f"{name}[{index}]", item))
    return items


def _code(value: Any, name: str, allowed: list[str], *, default: str = "") -> str:
    """A registry enum (UPPER_CASE) -> our stored value (lower case), or RecordError naming the field."""
    if value is None:
        return default
    code = value.lower() if isinstance(value, str) else None
    if code not in allowed:
        raise RecordError(f"{name} “{value}” is not one of the registry's values "
                          f"({', '.join(sorted(a.upper() for a in allowed))})")
    return code


def _has_nul(node: Any) -> bool:
    if isinstance(node, str):
        return "\x00" in node
    if isinstance(node, dict):
        return any(_has_nul(key) or _has_nul(value) for key, value in node.items())
    if isinstance(node, list):
        return any(_has_nul(item) for item in node)
    return False


def age_in_years(value: str | None, field_name: str) -> int | None:
    """Whole years an age is at least ("30 Months" -> 2); None for no limit."""
    if value in (None, "", "N/A"):
        return None
    match = _AGE.match(value) if isinstance(value, str) else None
    if not match:
        raise RecordError(f"{field_name} “{value}” is not an age such as “18 Years” or “6 Months”")
    return int(match.group(1)) // values.UNIT_PER_YEAR[match.group(2).lower()]


def _date_struct(module: dict, key: str, name: str) -> tuple[str, str]:
    struct = module.get(key)
    if struct is None:
        return "", ""
    if not isinstance(struct, dict):
        raise RecordError(f"{name}.{key} must be an object")
    when = _text(struct.get("date"), f"{name}.{key}.date")
    if when and not _PARTIAL_DATE.match(when):
        raise RecordError(f"{name}.{key}.date “{when}” is not a date such as 2024-05 or 2024-05-17")
    kind = _code(struct.get("type"), f"{name}.{key}.type", values.DateType.values)
    return when, kind


def _full_date(module: dict, key: str, name: str) -> date | None:
    when, _ = _date_struct(module, key, name)
    if not when:
        return None
    try:
        return date.fromisoformat(when if len(when) == 10 else f"{when}-01")
    except ValueError as error:
        raise RecordError(f"{name}.{key}.date “{when}” is not a real date") from error


def _phase(design: dict) -> str:
    codes = _list(design.get("phases"), "designModule.phases") or ["NA"]
    unknown = [code for code in codes if not isinstance(code, str) or code not in values.REGISTRY_PHASE_CODES]
    if unknown:
        raise RecordError(f"designModule.phases has unknown value(s): {', '.join(map(str, unknown))}")
    combined = tuple(sorted(set(codes), key=lambda code: (code != "EARLY_PHASE1", code)))
    if combined not in values.PHASE_FROM_REGISTRY:
        raise RecordError(f"designModule.phases {'+'.join(combined)} is not a phase or combination the registry "
                          f"uses (e.g. PHASE1+PHASE2)")
    return values.PHASE_FROM_REGISTRY[combined]


def _people(value: Any, name: str, roles: bool = False) -> list[dict[str, str]]:
    """Public contacts or officials: their text fields (a number or list in place of a name is skipped)."""
    people = []
    for where, person in _objects(value, name):
        entry = {key: text.strip() for key, text in person.items()
                 if key in ("name", "affiliation", "phone", "phoneExt", "email") and isinstance(text, str)}
        if roles and person.get("role") is not None:
            entry["role"] = _code(person.get("role"), f"{where}.role", values.ContactRole.values)
        if entry.get("phoneExt"):
            entry["phone"] = f"{entry.get('phone', '')} ext. {entry.pop('phoneExt')}".strip()
        entry.pop("phoneExt", None)
        if any(entry.get(key) for key in ("name", "phone", "email")):
            people.append(entry)
    return people


def _geo(location: dict, where: str) -> tuple[float | None, float | None]:
    point = location.get("geoPoint")
    if point is None:
        return None, None
    if not isinstance(point, dict):
        raise RecordError(f"{where}.geoPoint must be an object")
    found = []
    for key, limit in (("lat", 90), ("lon", 180)):
        number = point.get(key)
        if isinstance(number, bool) or not isinstance(number, (int, float)) or not -limit <= number <= limit:
            raise RecordError(f"{where}.geoPoint.{key} must be a number from -{limit} to {limit}")
        found.append(float(number))
    return found[0], found[1]


def _locations(module: dict) -> list[dict[str, Any]]:
    sites = []
    for order, (where, site) in enumerate(_objects(module.get("locations"), "contactsLocationsModule.locations")):
        latitude, longitude = _geo(site, where)
        sites.append({
            **{ours: _text(site.get(theirs), f"{where}.{theirs}")[:limit] for ours, theirs, limit in (
                ("facility", "facility", 300), ("city", "city", 120), ("state", "state", 120),
                ("zip_code", "zip", 20), ("country", "country", 120))},
            "status": _code(site.get("status"), f"{where}.status", values.Status.values),
            "contacts": _people(site.get("contacts"), f"{where}.contacts", roles=True),
            "latitude": latitude, "longitude": longitude, "order": order,
        })
    return sites


def _arms_and_interventions(module: dict) -> tuple[list[dict], list[dict]]:
    name = "armsInterventionsModule"
    arms = [{"label": _text(arm.get("label"), f"{where}.label"),
             "type": _code(arm.get("type"), f"{where}.type", values.ArmType.values),
             "description": _text(arm.get("description"), f"{where}.description"),
             "interventions": [item for item in _list(arm.get("interventionNames"), f"{where}.interventionNames")
                               if isinstance(item, str)]}
            for where, arm in _objects(module.get("armGroups"), f"{name}.armGroups")]
    interventions = [{"type": _code(item.get("type"), f"{where}.type", values.InterventionType.values),
                      "name": _text(item.get("name"), f"{where}.name", required=True),
                      "description": _text(item.get("description"), f"{where}.description"),
                      "other_names": [n for n in _list(item.get("otherNames"), f"{where}.otherNames")
                                      if isinstance(n, str)]}
                     for where, item in _objects(module.get("interventions"), f"{name}.interventions")]
    return arms, interventions


def _outcomes(module: dict) -> list[dict[str, str]]:
    outcomes = []
    for kind in values.OutcomeKind.values:
        for where, item in _objects(module.get(f"{kind}Outcomes"), f"outcomesModule.{kind}Outcomes"):
            outcomes.append({"kind": kind, "measure": _text(item.get("measure"), f"{where}.measure"),
                             "description": _text(item.get("description"), f"{where}.description"),
                             "time_frame": _text(item.get("timeFrame"), f"{where}.timeFrame")})
    return outcomes


def _eligibility(protocol: dict) -> tuple[dict[str, Any], dict[str, Any]]:
    module = _module(protocol, "eligibilityModule")
    name = "eligibilityModule"
    healthy = module.get("healthyVolunteers", False)
    if not isinstance(healthy, bool):
        raise RecordError(f"{name}.healthyVolunteers must be true or false")
    sex = module.get("sex", "ALL")
    if not isinstance(sex, str) or sex not in SEXES:
        raise RecordError(f"{name}.sex “{sex}” must be ALL, FEMALE or MALE")
    low, high = module.get("minimumAge"), module.get("maximumAge")
    min_age, max_age = age_in_years(low, f"{name}.minimumAge"), age_in_years(high, f"{name}.maximumAge")
    if min_age is not None and max_age is not None and min_age > max_age:
        raise RecordError(f"{name}.minimumAge is above maximumAge")
    ages = [_code(age, f"{name}.stdAges", values.StandardAge.values) for age in _list(module.get("stdAges"),
                                                                                      f"{name}.stdAges")]
    study = {"eligibility": _text(module.get("eligibilityCriteria"), f"{name}.eligibilityCriteria"),
             "sex": SEXES[sex], "healthy_volunteers": healthy, "min_age": min_age, "max_age": max_age}
    registry = {"minimum_age": (low or "").strip() if low != "N/A" else "",
                "maximum_age": (high or "").strip() if high != "N/A" else "", "standard_ages": ages}
    return study, registry


def parse_record(record: Any) -> ParsedStudy:
    """The checked values of one record, or RecordError naming the field."""
    if not isinstance(record, dict):
        raise RecordError("a record must be a JSON object")
    if is_api_v1(record):
        raise RecordError("this record is from the registry's retired API v1 (ProtocolSection); save it again "
                          "from API v2")
    if _has_nul(record):
        raise RecordError("a field holds a NUL character (\\u0000), which no text field can store")
    protocol = _get(record, "protocolSection", required=True)
    if not isinstance(protocol, dict):
        raise RecordError("protocolSection must be an object")
    ident = _module(protocol, "identificationModule")
    nct_id = _get(ident, "nctId")
    if not isinstance(nct_id, str) or not _NCT.match(nct_id):
        raise RecordError(f"identificationModule.nctId “{nct_id}” is not an NCT number such as NCT01234567")
    title = _text(_get(ident, "briefTitle", required=True), "identificationModule.briefTitle", required=True)
    official = _text(ident.get("officialTitle"), "identificationModule.officialTitle") or title
    description = _module(protocol, "descriptionModule")
    summary = _text(_get(protocol, "descriptionModule", "briefSummary", required=True),
                    "descriptionModule.briefSummary", required=True)
    status_module = _get(protocol, "statusModule", required=True)
    if not isinstance(status_module, dict):
        raise RecordError("statusModule must be an object")
    status = _code(_get(status_module, "overallStatus", required=True), "statusModule.overallStatus",
                   values.Status.values)
    design = _module(protocol, "designModule")
    conditions_module = _module(protocol, "conditionsModule")
    conditions = _list(conditions_module.get("conditions"), "conditionsModule.conditions")
    keywords = _list(conditions_module.get("keywords"), "conditionsModule.keywords")
    eligibility, ages = _eligibility(protocol)
    contacts_module = _module(protocol, "contactsLocationsModule")
    officials = _people(contacts_module.get("overallOfficials"), "contactsLocationsModule.overallOfficials",
                        roles=True)
    central = _people(contacts_module.get("centralContacts"), "contactsLocationsModule.centralContacts",
                      roles=True)
    sponsors = _module(protocol, "sponsorCollaboratorsModule")
    enrollment = _get(design, "enrollmentInfo", "count")
    if enrollment is not None and (isinstance(enrollment, bool) or not isinstance(enrollment, int) or enrollment < 0):
        raise RecordError("designModule.enrollmentInfo.count must be a whole number")
    arms, interventions = _arms_and_interventions(_module(protocol, "armsInterventionsModule"))
    registry: dict[str, Any] = {**ages, "description": _text(description.get("detailedDescription"),
                                                            "descriptionModule.detailedDescription"),
                                "why_stopped": _text(status_module.get("whyStopped"), "statusModule.whyStopped"),
                                "arms": arms, "interventions": interventions,
                                "outcomes": _outcomes(_module(protocol, "outcomesModule")),
                                "officials": officials}
    for key, ours in (("startDateStruct", "start_date"), ("primaryCompletionDateStruct", "primary_completion_date"),
                      ("completionDateStruct", "completion_date")):
        registry[ours], registry[f"{ours}_type"] = _date_struct(status_module, key, "statusModule")
    registry["first_posted"] = _full_date(status_module, "studyFirstPostDateStruct", "statusModule")
    registry["last_update_posted"] = _full_date(status_module, "lastUpdatePostDateStruct", "statusModule")
    registry["enrollment_count"] = enrollment
    registry["enrollment_type"] = _code(_get(design, "enrollmentInfo", "type"), "designModule.enrollmentInfo.type",
                                        values.DateType.values)
    registry["primary_purpose"] = _code(_get(design, "designInfo", "primaryPurpose"),
                                        "designModule.designInfo.primaryPurpose", values.PrimaryPurpose.values)
    registry["lead_sponsor"] = _text(_get(sponsors, "leadSponsor", "name"), "leadSponsor.name")[:300]
    registry["collaborators"] = [_text(item.get("name"), f"{where}.name") for where, item in
                                 _objects(sponsors.get("collaborators"), "sponsorCollaboratorsModule.collaborators")]
    study = {
        "nct_id": nct_id, "title": official[:300], "lay_title": title[:200], "summary": summary,
        "status": status, "phase": _phase(design),
        "study_type": _code(design.get("studyType"), "designModule.studyType", values.StudyType.values,
                            default=values.StudyType.INTERVENTIONAL),
        "keywords": ", ".join(k.strip() for k in keywords if isinstance(k, str) and k.strip())[:300],
        **eligibility,
    }
    pi = next((o["name"] for o in officials if o.get("name") and o.get("role") in (None, "principal_investigator")),
              next((o["name"] for o in officials if o.get("name")), ""))
    contact = {"pi_name": pi[:150],
               "contact_name": next((c["name"] for c in central if c.get("name")), "")[:150],
               "contact_email": next((c["email"] for c in central if c.get("email")), ""),
               "contact_phone": next((c["phone"] for c in central if c.get("phone")), "")[:32]}
    return ParsedStudy(study=study, registry=registry, locations=_locations(contacts_module), contact=contact,
                       conditions=[c.strip()[:120] for c in conditions if isinstance(c, str) and c.strip()])
