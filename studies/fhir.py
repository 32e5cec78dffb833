"""Public studies as FHIR R4 ResearchStudy resources.

Only studies shown in the trial finder (``is_public``) are published; what a resource holds is
what the public study page shows: no patient or inquiry data. The sponsor, lead researcher,
sites and the enrolment group (with the eligibility criteria) travel as contained resources.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Prefetch
from django.utils.html import escape

from .models import Location, Study
from .rich_text import eligibility_sections
from .registry_values import ArmType, OutcomeKind, label_of
from .study_page import registry_or_none

PHASE_SYSTEM = "http://terminology.hl7.org/CodeSystem/research-study-phase"
PURPOSE_SYSTEM = "http://terminology.hl7.org/CodeSystem/research-study-prim-purp-type"
OBJECTIVE_SYSTEM = "http://terminology.hl7.org/CodeSystem/research-study-objective-type"
NCT_SYSTEM = "https://clinicaltrials.gov"
LOCAL_SYSTEM_PATH = "/fhir/identifier/study"

# Study.Phase -> research-study-phase code and display (R4 value set).
PHASES = {
    Study.Phase.EARLY_1: ("early-phase-1", "Early Phase 1"),
    Study.Phase.PHASE_1: ("phase-1", "Phase 1"),
    Study.Phase.PHASE_1_2: ("phase-1-phase-2", "Phase 1/Phase 2"),
    Study.Phase.PHASE_2: ("phase-2", "Phase 2"),
    Study.Phase.PHASE_2_3: ("phase-2-phase-3", "Phase 2/Phase 3"),
    Study.Phase.PHASE_3: ("phase-3", "Phase 3"),
    Study.Phase.PHASE_4: ("phase-4", "Phase 4"),
    Study.Phase.NOT_APPLICABLE: ("n-a", "N/A"),
}
# Study.Status -> research-study-status (R4 value set).
STATUSES = {
    Study.Status.NOT_YET_RECRUITING: "approved",
    Study.Status.RECRUITING: "active",
    Study.Status.ENROLLING_BY_INVITATION: "active",
    Study.Status.ACTIVE_NOT_RECRUITING: "closed-to-accrual",
    Study.Status.SUSPENDED: "temporarily-closed-to-accrual",
    Study.Status.COMPLETED: "completed",
    Study.Status.TERMINATED: "administratively-completed",
    Study.Status.WITHDRAWN: "withdrawn",
    # R4 has no "unknown": the study is past its end date and no longer takes people.
    Study.Status.UNKNOWN: "closed-to-accrual",
    Study.Status.AVAILABLE: "active",
    Study.Status.TEMPORARILY_NOT_AVAILABLE: "temporarily-closed-to-accrual",
    Study.Status.NO_LONGER_AVAILABLE: "closed-to-accrual",
    Study.Status.APPROVED_FOR_MARKETING: "completed",
    Study.Status.WITHHELD: "disapproved",
}
FHIR_TO_STATUSES: dict[str, list[str]] = {}
for _ours, _fhir in STATUSES.items():
    FHIR_TO_STATUSES.setdefault(_fhir, []).append(_ours)
# Every code of the R4 research-study-status value set: a search may name any of them.
R4_STATUS_CODES = frozenset({
    "active", "administratively-completed", "approved", "closed-to-accrual", "closed-to-accrual-and-intervention",
    "completed", "disapproved", "in-review", "temporarily-closed-to-accrual",
    "temporarily-closed-to-accrual-and-intervention", "withdrawn",
})
# The registry's primary purpose -> research-study-prim-purp-type (R4); ECT and OTHER have no code.
PURPOSES = {"treatment": "treatment", "prevention": "prevention", "diagnostic": "diagnostic",
            "supportive_care": "supportive-care", "screening": "screening",
            "health_services_research": "health-services-research", "basic_science": "basic-science",
            "device_feasibility": "device-feasibility"}
SITE_STATUS = {"recruiting": "active", "not_yet_recruiting": "active", "enrolling_by_invitation": "active",
               "active_not_recruiting": "active", "available": "active", "suspended": "suspended",
               "temporarily_not_available": "suspended"}


def published_studies():
    return (Study.objects.filter(is_public=True).select_related("center", "registry")
            .prefetch_related("conditions", Prefetch("locations", queryset=Location.objects.order_by(
                "-is_ours", "order", "id"))))


def _narrative(study: Study, phase: str) -> dict[str, str]:
    rows = [("Status", study.get_status_display()), ("Phase", phase), ("Centre", study.center.name),
            ("Lead researcher", study.pi_name)]
    body = "".join(f"<p><b>{escape(label)}</b>: {escape(value)}</p>" for label, value in rows if value)
    return {"status": "generated",
            "div": f'<div xmlns="http://www.w3.org/1999/xhtml"><h1>{escape(study.title)}</h1>{body}</div>'}


def _contact(study: Study) -> dict[str, Any]:
    telecom = [{"system": "email", "value": study.contact_email, "use": "work"}]
    if study.contact_phone:
        telecom.append({"system": "phone", "value": study.contact_phone, "use": "work"})
    contact: dict[str, Any] = {"telecom": telecom}
    if study.contact_name:
        contact["name"] = study.contact_name
    return contact


def _site(site: Location) -> dict[str, Any]:
    address = {key: value for key, value in (("city", site.city), ("state", site.state),
                                             ("postalCode", site.zip_code), ("country", site.country)) if value}
    resource: dict[str, Any] = {"resourceType": "Location", "id": f"site-{site.pk}",
                                "name": site.facility or site.place or "Study site", "mode": "instance"}
    if site.status in SITE_STATUS:
        resource["status"] = SITE_STATUS[site.status]
    if address:
        resource["address"] = address
    if site.latitude is not None:
        resource["position"] = {"latitude": site.latitude, "longitude": site.longitude}
    telecom = [{"system": system, "value": contact[key], "use": "work"} for contact in site.contacts
               for system, key in (("phone", "phone"), ("email", "email")) if contact.get(key)]
    if telecom:
        resource["telecom"] = telecom
    return resource


def _enrollment_group(study: Study, record) -> dict[str, Any]:
    group: dict[str, Any] = {"resourceType": "Group", "id": "enrollment", "type": "person", "actual": False,
                             "name": "People who can join"}
    if record and record.enrollment_count is not None:
        group["quantity"] = record.enrollment_count
    sections = eligibility_sections(study.eligibility)
    criteria = [("Eligibility criteria", sections["intro"], False), ("Inclusion criteria", sections["inclusion"], False),
                ("Exclusion criteria", sections["exclusion"], True)]
    criteria += [("Sex", study.get_sex_display(), False), ("Age", study.age_range, False)]
    if study.healthy_volunteers:
        criteria.append(("Accepts healthy volunteers", "Yes", False))
    group["characteristic"] = [{"code": {"text": label}, "valueCodeableConcept": {"text": value}, "exclude": exclude}
                               for label, value, exclude in criteria if value]
    return group


def _registry_parts(resource: dict[str, Any], study: Study, record) -> None:
    """What the registry record adds: sponsor, period, arms, focus, objectives, purpose, reason stopped."""
    if record is None:
        return
    if record.lead_sponsor:
        resource["contained"].append({"resourceType": "Organization", "id": "sponsor", "name": record.lead_sponsor})
        resource["sponsor"] = {"reference": "#sponsor", "display": record.lead_sponsor}
    period = {key: value for key, value in (("start", record.start_date), ("end", record.completion_date)) if value}
    if period:
        resource["period"] = period
    if record.arms:
        resource["arm"] = [{"name": arm["label"] or "Arm", **({"type": {"text": label_of(ArmType, arm["type"])}}
                                                               if arm.get("type") else {}),
                            **({"description": arm["description"]} if arm.get("description") else {})}
                           for arm in record.arms]
    if record.interventions:
        resource["focus"] = [{"text": item["name"]} for item in record.interventions]
    objectives = [{"name": outcome["measure"], "type": {"coding": [{
        "system": OBJECTIVE_SYSTEM, "code": "exploratory" if outcome["kind"] == OutcomeKind.OTHER else outcome["kind"]}]}}
        for outcome in record.outcomes if outcome.get("measure")]
    if objectives:
        resource["objective"] = objectives
    if record.primary_purpose in PURPOSES:
        resource["primaryPurposeType"] = {"coding": [{"system": PURPOSE_SYSTEM,
                                                      "code": PURPOSES[record.primary_purpose]}]}
    if record.why_stopped:
        resource["reasonStopped"] = {"text": record.why_stopped}
    if record.description:
        resource["description"] = f"{study.summary}\n\n{record.description}"


def research_study(study: Study) -> dict[str, Any]:
    """The ResearchStudy resource of one public study (loaded by ``published_studies``)."""
    base = settings.SITE_URL
    phase_code, phase_display = PHASES[study.phase]
    record = registry_or_none(study)
    identifiers = [{"use": "official", "system": f"{base}{LOCAL_SYSTEM_PATH}", "value": str(study.pk)}]
    if study.nct_id:
        identifiers.append({"use": "secondary", "system": NCT_SYSTEM, "value": study.nct_id})
    sites = list(study.locations.all())
    resource: dict[str, Any] = {
        "resourceType": "ResearchStudy",
        "id": str(study.pk),
        "meta": {"lastUpdated": study.updated_at.isoformat()},
        "text": _narrative(study, phase_display),
        "contained": [
            {"resourceType": "Practitioner", "id": "pi", "name": [{"text": study.pi_name}]},
            _enrollment_group(study, record),
            *[_site(site) for site in sites],
        ],
        "identifier": identifiers,
        "title": study.title,
        "status": STATUSES[study.status],
        "phase": {"coding": [{"system": PHASE_SYSTEM, "code": phase_code, "display": phase_display}],
                  "text": study.get_phase_display()},
        "category": [{"text": study.get_study_type_display()}],
        "description": study.summary,
        "enrollment": [{"reference": "#enrollment", "display": "People who can join"}],
        "site": [{"reference": f"#site-{site.pk}", "display": site.facility or site.place} for site in sites]
        or [{"display": study.center.name}],
        "principalInvestigator": {"reference": "#pi", "display": study.pi_name},
        "contact": [_contact(study)],
        "relatedArtifact": [{"type": "documentation", "label": "Plain-language study page",
                             "url": f"{base}{study.get_absolute_url()}"}],
    }
    countries = sorted({site.country for site in sites if site.country})
    if countries:
        resource["location"] = [{"text": country} for country in countries]
    conditions = [{"text": condition.name} for condition in study.conditions.all()]
    if conditions:
        resource["condition"] = conditions
    keywords = [{"text": word.strip()} for word in study.keywords.split(",") if word.strip()]
    if keywords:
        resource["keyword"] = keywords
    if study.nct_id:
        resource["relatedArtifact"].append({"type": "documentation", "label": "ClinicalTrials.gov record",
                                            "url": study.clinicaltrials_url})
    _registry_parts(resource, study, record)
    return resource


def operation_outcome(code: str, message: str) -> dict[str, Any]:
    return {"resourceType": "OperationOutcome",
            "issue": [{"severity": "error", "code": code, "diagnostics": message}]}
