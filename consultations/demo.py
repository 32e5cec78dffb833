"""Synthetic consultation requests in every status, for demonstrations and manual testing.

Rows are written directly (with dates in the past, so that ages and overdue flags vary);
every status path is checked against ``MOVES``. No email is queued.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.demo import demo_email
from accounts.models import User
from centers.models import Service

from .models import (
    MOVES, DEFAULT_HOURS_ALLOTTED, ConsultationRequest, FundingStatus, Message, Priority, Status,
    StatusChange, StudyStage, TimeEntry,
)
from common.references import next_reference

from .services import TRIAGE_WORKING_DAYS, refresh_hours_used
from .workdays import add_working_days

S = Status
# The way each demo request went, after "submitted".
PATHS = {
    "new": [],
    "triaged": [S.TRIAGED],
    "assigned": [S.TRIAGED, S.ASSIGNED],
    "started": [S.TRIAGED, S.ASSIGNED, S.IN_PROGRESS],
    "paused": [S.TRIAGED, S.ASSIGNED, S.IN_PROGRESS, S.ON_HOLD],
    "parked": [S.ON_HOLD],
    "done": [S.TRIAGED, S.ASSIGNED, S.IN_PROGRESS, S.COMPLETED],
    "declined": [S.TRIAGED, S.DECLINED],
    "withdrawn": [S.WITHDRAWN],
    "withdrawn-late": [S.TRIAGED, S.ASSIGNED, S.WITHDRAWN],
}
# Paths that end with someone working on the request (assigned to the demo staff member).
WORKED = {"assigned", "started", "paused", "done", "withdrawn-late"}

TOPICS = [
    "Sample size for a pilot trial of home blood-pressure coaching",
    "Analysis plan for a registry of knee replacement outcomes",
    "Budget for a two-site sleep apnoea device study",
    "IRB application for a survey of night-shift nurses",
    "Recruitment plan for an asthma inhaler-technique study",
    "NIH R01 resubmission on diabetic foot ulcer healing",
    "PCORI proposal comparing two fall-prevention programmes",
    "IND for an investigator-initiated dosing study",
    "Project plan for a multi-centre sepsis bundle audit",
    "Funding sources for a paediatric migraine cohort",
    "Interview study of caregivers after stroke",
    "Power calculation for a cluster-randomised hand-hygiene trial",
    "Mixed-effects model for repeated spirometry measures",
    "IDE pathway for a wearable glucose sensor",
]

# (path, service slug, days ago, researcher, priority)
PLAN = [
    ("new", "faculty-consultation", 0, "researcher", Priority.NORMAL),
    ("new", "biostatistics", 1, "researcher2", Priority.HIGH),
    ("new", "study-budgeting", 3, "researcher", Priority.NORMAL),
    ("new", "irb-new-application", 5, "researcher2", Priority.URGENT),
    ("new", "faculty-consultation", 6, "researcher", Priority.NORMAL),
    ("new", "subject-recruitment", 9, "researcher2", Priority.LOW),
    ("new", "biostatistics", 12, "researcher", Priority.NORMAL),
    ("triaged", "faculty-consultation", 2, "researcher2", Priority.NORMAL),
    ("triaged", "nih-and-pcori-applications", 4, "researcher", Priority.HIGH),
    ("triaged", "biostatistics", 8, "researcher", Priority.NORMAL),
    ("triaged", "funding-sources", 15, "researcher2", Priority.LOW),
    ("assigned", "faculty-consultation", 3, "researcher", Priority.NORMAL),
    ("assigned", "biostatistics", 6, "researcher2", Priority.HIGH),
    ("assigned", "faculty-consultation", 10, "researcher2", Priority.NORMAL),
    ("assigned", "biostatistics", 14, "researcher", Priority.NORMAL),
    ("started", "faculty-consultation", 7, "researcher", Priority.HIGH),
    ("started", "biostatistics", 11, "researcher", Priority.NORMAL),
    ("started", "faculty-consultation", 18, "researcher2", Priority.NORMAL),
    ("started", "biostatistics", 21, "researcher2", Priority.URGENT),
    ("started", "faculty-consultation", 26, "researcher", Priority.NORMAL),
    ("paused", "faculty-consultation", 20, "researcher2", Priority.LOW),
    ("paused", "biostatistics", 30, "researcher", Priority.NORMAL),
    ("parked", "indide-submission-and-project-management", 9, "researcher", Priority.NORMAL),
    ("parked", "project-management", 16, "researcher2", Priority.LOW),
    ("done", "faculty-consultation", 35, "researcher", Priority.NORMAL),
    ("done", "biostatistics", 40, "researcher2", Priority.NORMAL),
    ("done", "faculty-consultation", 45, "researcher2", Priority.HIGH),
    ("done", "biostatistics", 52, "researcher", Priority.NORMAL),
    ("done", "faculty-consultation", 60, "researcher", Priority.NORMAL),
    ("done", "biostatistics", 75, "researcher2", Priority.LOW),
    ("declined", "omics", 13, "researcher", Priority.NORMAL),
    ("declined", "faculty-consultation", 22, "researcher2", Priority.NORMAL),
    ("declined", "ehr-research", 33, "researcher", Priority.LOW),
    ("withdrawn", "study-budgeting", 4, "researcher2", Priority.NORMAL),
    ("withdrawn", "qualitative-research", 17, "researcher", Priority.NORMAL),
    ("withdrawn-late", "biostatistics", 28, "researcher2", Priority.NORMAL),
    ("new", "patient-centred-outcomes", 2, "researcher", Priority.NORMAL),
    ("triaged", "ehr-research", 5, "researcher2", Priority.NORMAL),
]

NOTES = {
    S.ON_HOLD: "Waiting for the draft protocol from the study team.",
    S.DECLINED: "This is outside what the unit offers; the Research Funding Office can help instead.",
    S.WITHDRAWN: "We found help within our department.",
}


def _check_paths() -> None:
    for name, path in PATHS.items():
        current = S.SUBMITTED
        for step in path:
            if step not in MOVES[current]:
                raise ValueError(f"demo path {name!r} makes a forbidden move {current} -> {step}")
            current = step


def _hours_for(path: str, number: int) -> list[Decimal]:
    if path == "done":
        return [Decimal("3"), Decimal("2.5"), Decimal("2.5")] if number % 2 else [Decimal("2"), Decimal("1.5")]
    if path in {"started", "paused"}:
        return [Decimal("1.5")] + ([Decimal("2")] if number % 2 else [])
    return []


@transaction.atomic
def load() -> str:
    researchers = {local: User.objects.filter(email=demo_email(local)).first()
                   for local in ("researcher", "researcher2")}
    staff = User.objects.filter(email=demo_email("staff")).first()
    if not all(researchers.values()) or staff is None:
        return "skipped: the demo accounts are missing"
    if ConsultationRequest.objects.filter(requester__in=researchers.values(), title__endswith="(synthetic)").exists():
        return "demo requests already loaded"
    services = {s.slug: s for s in Service.objects.select_related("center")}
    _check_paths()

    now = timezone.now()
    created = 0
    for number, (path_name, slug, days_ago, who, priority) in enumerate(PLAN):
        service = services.get(slug)
        if service is None:
            continue
        requester = researchers[who]
        submitted = now - timedelta(days=days_ago, hours=number % 7, minutes=number * 7 % 60)
        topic = TOPICS[number % len(TOPICS)]
        funded = number % 3 == 0
        consultation = ConsultationRequest.objects.create(
            reference=next_reference(ConsultationRequest.REFERENCE_PREFIX, year=timezone.localtime(submitted).year), requester=requester, service=service,
            center=service.center, title=f"{topic} (synthetic)",
            summary=(f"A made-up project for the demo: {topic.lower()}. We would like advice on the design and on "
                     "what the division can do for us in the coming months."),
            study_stage=StudyStage.values[number % len(StudyStage.values)],
            funding_status=FundingStatus.EXTERNAL if funded else FundingStatus.UNFUNDED,
            sponsor="Example Health Foundation (synthetic)" if funded else "",
            deadline=(timezone.localdate() + timedelta(days=30 + number)) if number % 4 == 0 else None,
            priority=priority, hours_allotted=Decimal(service.typical_hours_max or DEFAULT_HOURS_ALLOTTED),
            submitted_at=submitted, overdue_at=add_working_days(submitted, TRIAGE_WORKING_DAYS),
        )
        StatusChange.objects.create(request=consultation, from_status="", to_status=S.SUBMITTED,
                                    changed_by=requester, changed_at=submitted, note="Request submitted.")
        moment, current = submitted, S.SUBMITTED
        for step in PATHS[path_name]:
            moment += timedelta(hours=20)
            by = requester if step == S.WITHDRAWN else staff
            StatusChange.objects.create(request=consultation, from_status=current, to_status=step, changed_by=by,
                                        changed_at=moment, note=NOTES.get(step, ""))
            if current == S.SUBMITTED and step != S.WITHDRAWN:
                consultation.triaged_at = moment
            if step == S.ASSIGNED:
                consultation.assignee = staff
            if step == S.COMPLETED:
                consultation.completed_at = moment
            current = step
        consultation.status = current
        consultation.save(update_fields=["status", "assignee", "triaged_at", "completed_at"])

        if path_name in WORKED:
            Message.objects.create(request=consultation, author=staff, created_at=submitted + timedelta(days=1),
                                   body="Thank you for your request. Could you send the current draft of your aims?")
            Message.objects.create(request=consultation, author=requester, created_at=submitted + timedelta(days=2),
                                   body="Of course, the draft aims are attached to the request now.")
            Message.objects.create(request=consultation, author=staff, internal=True,
                                   created_at=submitted + timedelta(days=2, hours=3),
                                   body="Internal: similar to last year's cohort question; reuse that plan.")
        for index, hours in enumerate(_hours_for(path_name, number)):
            TimeEntry.objects.create(request=consultation, consultant=staff, hours=hours,
                                     date=timezone.localdate(submitted + timedelta(days=2 + index)),
                                     note="Design meeting and written advice (synthetic).")
        refresh_hours_used(consultation.pk)
        created += 1
    return f"{created} consultation requests in every status"
