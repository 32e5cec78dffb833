"""Public studies as FHIR R4 ResearchStudy resources (read and a status search).

Only studies shown in the trial finder (``is_public``) are published; what a resource holds is
what the public study page shows: no patient or inquiry data.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from .models import Study

PHASE_SYSTEM = "http://terminology.hl7.org/CodeSystem/research-study-phase"
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


def published_studies():
    return Study.objects.filter(is_public=True).select_related("center").prefetch_related("conditions")


def research_study(study: Study) -> dict[str, Any]:
    """The ResearchStudy resource of one public study."""
    base = settings.SITE_URL
    phase_code, phase_display = PHASES[study.phase]
    identifiers = [{"use": "official", "system": f"{base}{LOCAL_SYSTEM_PATH}", "value": str(study.pk)}]
    if study.nct_id:
        identifiers.append({"use": "secondary", "system": NCT_SYSTEM, "value": study.nct_id})
    resource: dict[str, Any] = {
        "resourceType": "ResearchStudy",
        "id": str(study.pk),
        "meta": {"lastUpdated": study.updated_at.isoformat()},
        "identifier": identifiers,
        "title": study.title,
        "status": STATUSES[study.status],
        "phase": {"coding": [{"system": PHASE_SYSTEM, "code": phase_code, "display": phase_display}],
                  "text": study.get_phase_display()},
        "description": study.summary,
        "site": [{"display": study.center.name}],
        "principalInvestigator": {"display": study.pi_name},
        "contact": [_contact(study)],
        "relatedArtifact": [{"type": "documentation", "label": "Plain-language study page",
                             "url": f"{base}{study.get_absolute_url()}"}],
    }
    conditions = [{"text": condition.name} for condition in study.conditions.all()]
    if conditions:
        resource["condition"] = conditions
    keywords = [{"text": word.strip()} for word in study.keywords.split(",") if word.strip()]
    if keywords:
        resource["keyword"] = keywords
    if study.nct_id:
        resource["relatedArtifact"].append({"type": "documentation", "label": "ClinicalTrials.gov record",
                                            "url": study.clinicaltrials_url})
    return resource


def _contact(study: Study) -> dict[str, Any]:
    telecom = [{"system": "email", "value": study.contact_email, "use": "work"}]
    if study.contact_phone:
        telecom.append({"system": "phone", "value": study.contact_phone, "use": "work"})
    contact: dict[str, Any] = {"telecom": telecom}
    if study.contact_name:
        contact["name"] = study.contact_name
    return contact


def search_bundle(studies, *, total: int, self_url: str, next_url: str | None) -> dict[str, Any]:
    base = settings.SITE_URL
    links = [{"relation": "self", "url": self_url}]
    if next_url:
        links.append({"relation": "next", "url": next_url})
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": total,
        "link": links,
        "entry": [{"fullUrl": f"{base}/fhir/ResearchStudy/{study.pk}", "resource": research_study(study),
                   "search": {"mode": "match"}} for study in studies],
    }


def operation_outcome(code: str, message: str) -> dict[str, Any]:
    return {"resourceType": "OperationOutcome",
            "issue": [{"severity": "error", "code": code, "diagnostics": message}]}
