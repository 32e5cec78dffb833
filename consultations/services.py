"""Writes: filing a request, moving it through its statuses, messages, hours and reminders.

``change_status`` is the one place a request changes status: it checks ``MOVES``,
writes the history row and queues the emails, in one transaction. Emails carry the
reference, the title and a link, never a message or a reason: they say "sign in to read it".
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import DecimalField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from centers.models import Center, Service
from common.references import next_reference
from common.workflow import InvalidTransition
from notifications.services import queue_email
from projects import selectors as project_selectors

from . import selectors
from .attachments import validate_attachments
from .models import (
    CLOSED_STATUSES, MOVES, DEFAULT_HOURS_ALLOTTED, LINE_MOVES, SPONSORED, Attachment, ConsultationRequest,
    LineItem, Message, Status, StatusChange, TimeEntry,
)
from .follow_up import ask_for_survey
from .quotes import Wanted, funding_type_for, priced_lines
from .workdays import add_working_days

TRIAGE_WORKING_DAYS = 2
_WORKFLOW_FIELDS = ["status", "assignee", "triaged_at", "completed_at", "updated_at"]


def _label(status: str) -> str:
    return MOVES.label(status)


# --- emails ------------------------------------------------------------------------------

def _researcher_email(consultation: ConsultationRequest, template: str, key: str, **extra) -> None:
    requester = consultation.requester
    queue_email(
        requester.email, template,
        {"first_name": requester.get_short_name(), "reference": consultation.reference,
         "title": consultation.title, "status": consultation.get_status_display(),
         "path": consultation.get_absolute_url(), **extra},
        idempotency_key=f"{template}:{consultation.pk}:{key}",
    )


def _staff_email(consultation: ConsultationRequest, recipients: Iterable, template: str, key: str) -> int:
    sent = 0
    for person in recipients:
        queue_email(
            person.email, template,
            {"first_name": person.get_short_name(), "reference": consultation.reference,
             "title": consultation.title, "service": consultation.service.name, "center": consultation.center.name,
             "path": consultation.get_admin_url()},
            idempotency_key=f"{template}:{consultation.pk}:{key}:{person.pk}",
        )
        sent += 1
    return sent


# --- filing a request --------------------------------------------------------------------

def submit_request(*, requester, service: Service, title: str, summary: str, study_stage: str,
                   funding_status: str, sponsor: str = "", deadline: datetime.date | None = None,
                   center: Center | None = None, uploads: Iterable = (), project=None,
                   quantity: Decimal | None = None, more: Iterable[Wanted] = ()) -> ConsultationRequest:
    """File a researcher's request: reference, service lines, first history row, attachments, emails.

    ``service`` (``quantity`` of it, at ``center``) is the first line, ``more`` the other services;
    each line is priced at the rate of the day and routed to its centre, whose staff are told.
    ``project``: a project on whose team the requester may request services; its team follows it.
    """
    uploads = list(uploads)
    wanted = [Wanted(service, quantity, center), *more]
    if project is not None and not project_selectors.may(requester, project.pk, project_selectors.Rights.REQUEST):
        raise ValidationError({"project": "You need request rights on this project to file a request on it."})
    checked = validate_attachments(uploads)
    if deadline and deadline < timezone.localdate():
        raise ValidationError({"deadline": "The deadline cannot be in the past."})
    if funding_status in SPONSORED and not sponsor.strip():
        raise ValidationError({"sponsor": "Name the sponsor or funder."})
    saved_files = []
    try:
        with transaction.atomic():
            now = timezone.now()
            consultation = ConsultationRequest.objects.create(
                reference=next_reference(ConsultationRequest.REFERENCE_PREFIX, year=timezone.localtime(now).year),
                requester=requester, service=service, center=center or service.center,
                title=title.strip(), summary=summary.strip(), study_stage=study_stage,
                funding_status=funding_status, sponsor=sponsor.strip(), deadline=deadline, project=project,
                hours_allotted=Decimal(service.typical_hours_max or DEFAULT_HOURS_ALLOTTED),
                submitted_at=now, overdue_at=add_working_days(now, TRIAGE_WORKING_DAYS),
            )
            StatusChange.objects.create(request=consultation, from_status="", to_status=Status.SUBMITTED,
                                        changed_by=requester, changed_at=now, note="Request submitted.")
            lines = priced_lines(wanted, funding_type=funding_type_for(project=project, funding_status=funding_status),
                                 on=timezone.localdate())
            for line in lines:
                line.request = consultation
            LineItem.objects.bulk_create(lines)
            for upload, content_type in checked:
                attachment = Attachment(request=consultation, original_name=upload.name[:255], size=upload.size,
                                        content_type=content_type, uploaded_by=requester)
                attachment.file.save(upload.name, upload, save=False)
                saved_files.append(attachment.file.name)
                attachment.save()
            _researcher_email(consultation, "consultation_received", "received")
            for center_id in dict.fromkeys(line.center_id for line in lines):
                _staff_email(consultation, selectors.center_staff(center_id), "consultation_new_request", "new")
    except BaseException:
        # The rows rolled back; the files written to disk go too.
        for name in saved_files:
            Attachment.file.field.storage.delete(name)
        raise
    return consultation


# --- the status machine ------------------------------------------------------------------

def _check_assignee(consultation: ConsultationRequest, assignee) -> None:
    if assignee is None:
        raise InvalidTransition(f"{consultation.reference}: choose who the request is assigned to.")
    if not selectors.may_be_assigned(assignee, consultation):
        raise InvalidTransition(
            f"{consultation.reference}: {assignee} is not on the staff of {consultation.center}; "
            "assign someone who is, or move the request to their centre first.")


@transaction.atomic
def change_status(consultation: ConsultationRequest, to_status: str, *, by, note: str = "",
                  assignee=None, notify: bool = True, follow_lines: bool = True) -> ConsultationRequest:
    """Move a request to ``to_status`` if ``MOVES`` allows it; write history; queue emails.

    Raises ``InvalidTransition`` with a message for the person who tried. ``assignee`` is
    required for a move to "assigned"; ``notify=False`` is for a step on the way to another
    move (one action, one email). The caller's object is refreshed with the new values.
    """
    current = ConsultationRequest.objects.select_for_update().get(pk=consultation.pk)
    from_status = current.status
    note = (note or "").strip()
    MOVES.check(from_status, to_status, refusal=lambda: (
        f"{current.reference} is {_label(from_status)} and cannot become {_label(to_status)}. "
        f"It can become: {', '.join(_label(s) for s in current.allowed_moves()) or 'nothing: it is closed'}."))
    if to_status == Status.ASSIGNED:
        _check_assignee(current, assignee)
        current.assignee = assignee
    if to_status == Status.IN_PROGRESS and current.assignee_id is None:
        raise InvalidTransition(f"{current.reference}: assign the request to a consultant before starting work.")
    if to_status == Status.DECLINED and not note:
        raise InvalidTransition(f"{current.reference}: give the researcher a reason for declining.")
    if to_status == Status.WITHDRAWN and by.pk != current.requester_id:
        raise InvalidTransition(
            f"{current.reference}: only the researcher who made the request can withdraw it; decline it instead.")

    now = timezone.now()
    current.status = to_status
    if from_status == Status.SUBMITTED and to_status != Status.WITHDRAWN and current.triaged_at is None:
        current.triaged_at = now
    if to_status == Status.COMPLETED:
        current.completed_at = now
    current.save(update_fields=["status", "assignee", "triaged_at", "completed_at", "updated_at"])
    change = StatusChange.objects.create(request=current, from_status=from_status, to_status=to_status,
                                         changed_by=by, changed_at=now, note=note)
    if follow_lines:
        _move_lines_with(current, to_status)

    if to_status == Status.COMPLETED:
        ask_for_survey(current)

    if notify and to_status == Status.ASSIGNED:
        _researcher_email(current, "consultation_assigned", f"change-{change.pk}",
                          consultant=current.assignee.get_full_name())
    elif notify and by.pk != current.requester_id:
        _researcher_email(current, "consultation_status", f"change-{change.pk}")

    if consultation is not current:
        consultation.refresh_from_db(fields=_WORKFLOW_FIELDS)
    return current


def _move_lines_with(consultation: ConsultationRequest, to_status: str) -> None:
    """A move of the whole request moves each open line that may make it (the request's history row says so).

    A line goes to "assigned" only with a consultant of its own centre; the others stay where they are.
    """
    for line in consultation.lines.select_for_update().filter(status__in=LINE_MOVES.open).order_by("position"):
        if to_status not in LINE_MOVES[line.status]:
            continue
        if to_status == Status.ASSIGNED:
            if not selectors.is_center_staff(consultation.assignee, line.center_id):
                continue
            line.assignee = consultation.assignee
        if to_status == Status.IN_PROGRESS and line.assignee_id is None:
            continue
        line.status = to_status
        line.save(update_fields=["status", "assignee", "updated_at"])


@transaction.atomic
def assign(consultation: ConsultationRequest, assignee, *, by, note: str = "") -> ConsultationRequest:
    """Give a request to a consultant of its centre.

    A submitted request is triaged on the way (two history rows); an assigned or started one
    is handed over without changing its status.
    """
    current = ConsultationRequest.objects.select_for_update().get(pk=consultation.pk)
    _check_assignee(current, assignee)
    if current.status == Status.SUBMITTED:
        current = change_status(current, Status.TRIAGED, by=by, note="Triaged on assignment.", notify=False)
    if current.status in (Status.TRIAGED, Status.ON_HOLD):
        current = change_status(current, Status.ASSIGNED, by=by, note=note, assignee=assignee)
    elif current.status in (Status.ASSIGNED, Status.IN_PROGRESS):
        if current.assignee_id == assignee.pk:
            raise InvalidTransition(f"{current.reference} is already assigned to {assignee}.")
        current.assignee = assignee
        current.save(update_fields=["assignee", "updated_at"])
        change = StatusChange.objects.create(
            request=current, from_status=current.status, to_status=current.status, changed_by=by,
            note=" ".join(filter(None, [f"Handed over to {assignee}.", note.strip()])))
        _researcher_email(current, "consultation_assigned", f"change-{change.pk}",
                          consultant=assignee.get_full_name())
    else:
        raise InvalidTransition(f"{current.reference} is {_label(current.status)} and cannot be assigned.")
    if consultation is not current:
        consultation.refresh_from_db(fields=_WORKFLOW_FIELDS)
    return current


def withdraw(consultation: ConsultationRequest, *, by, note: str = "") -> ConsultationRequest:
    return change_status(consultation, Status.WITHDRAWN, by=by, note=note)


# --- messages ----------------------------------------------------------------------------

@transaction.atomic
def post_message(consultation: ConsultationRequest, *, author, body: str, internal: bool = False) -> Message:
    """Add a message to the thread and tell the other side (never what it says)."""
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "Write a message first."})
    # The researcher's side: the requester and their project's team (staff write from the desk).
    from_researcher = author.pk == consultation.requester_id or (
        not author.is_staff and project_selectors.may(author, consultation.project_id, project_selectors.Rights.VIEW))
    if from_researcher and internal:
        raise ValidationError("Only staff can write internal notes.")
    if from_researcher and consultation.status in CLOSED_STATUSES:
        raise ValidationError(
            f"This request is {_label(consultation.status)}, so it takes no more messages. "
            "Make a new request if you need more help.")
    message = Message.objects.create(request=consultation, author=author, body=body, internal=internal)
    if from_researcher:
        if consultation.assignee_id:
            recipients = [consultation.assignee]
        else:
            recipients = list(selectors.center_staff(consultation.center_id))
        _staff_email(consultation, recipients, "consultation_researcher_message", f"message-{message.pk}")
    elif not internal:
        _researcher_email(consultation, "consultation_message", f"message-{message.pk}")
    return message


# --- hours -------------------------------------------------------------------------------

def refresh_hours_used(consultation_id: int) -> Decimal:
    """Store the sum of the request's time entries on the request (run in the same transaction)."""
    total = (TimeEntry.objects.filter(request_id=OuterRef("pk")).order_by().values("request_id")
             .annotate(total=Sum("hours")).values("total"))
    ConsultationRequest.objects.filter(pk=consultation_id).update(
        hours_used=Coalesce(Subquery(total), Value(Decimal("0")), output_field=DecimalField()))
    return ConsultationRequest.objects.values_list("hours_used", flat=True).get(pk=consultation_id)


@transaction.atomic
def log_time(consultation: ConsultationRequest, *, consultant, hours: Decimal, date: datetime.date,
             note: str = "") -> TimeEntry:
    """Record hours worked on a request and update its hours used."""
    ConsultationRequest.objects.select_for_update().filter(pk=consultation.pk).first()
    entry = TimeEntry(request=consultation, consultant=consultant, hours=hours, date=date, note=note.strip())
    entry.full_clean()
    entry.save()
    consultation.hours_used = refresh_hours_used(consultation.pk)
    return entry


# --- reminders ---------------------------------------------------------------------------

def send_overdue_reminders(*, now: datetime.datetime | None = None, batch: int = 200) -> int:
    """Tell a centre's staff, once, about each request still waiting for triage after two working days."""
    now = now or timezone.now()
    reminded = 0
    with transaction.atomic():
        due = list(ConsultationRequest.objects.select_for_update(skip_locked=True, of=("self",))
                   .filter(status=Status.SUBMITTED, overdue_at__lte=now, overdue_reminder_sent_at__isnull=True)
                   .select_related("service", "center").order_by("overdue_at")[:batch])
        for consultation in due:
            _staff_email(consultation, selectors.center_staff(consultation.center_id), "consultation_overdue",
                         "overdue")
            reminded += 1
        ConsultationRequest.objects.filter(pk__in=[c.pk for c in due]).update(overdue_reminder_sent_at=now)
    return reminded
