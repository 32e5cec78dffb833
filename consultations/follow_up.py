"""Writes around a request's life: drafts and their one reminder, the satisfaction survey after completion."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from notifications.services import queue_email

from .models import ConsultationRequest, Draft, Status, Survey

DRAFT_REMINDER_DAYS = 7
# Form fields kept in a draft (files never are: they are chosen again when sending).
DRAFT_FIELDS = ("service", "quantity", "center", "project", "title", "summary", "study_stage", "funding_status",
                "sponsor", "deadline")


def draft_data(post) -> dict:
    data = {name: post.get(name, "")[:5000] for name in DRAFT_FIELDS}
    data.update({key: value[:50] for key, value in post.items() if key.startswith("more-")})
    return data


@transaction.atomic
def save_draft(*, requester, post, draft: Draft | None = None) -> Draft:
    data = draft_data(post)
    if not any(data.get(name) for name in ("service", "title", "summary")):
        raise ValidationError("Choose a service or write a title or summary before saving a draft.")
    draft = draft or Draft(requester=requester)
    draft.title, draft.data, draft.updated_at, draft.reminded_at = data["title"][:200], data, timezone.now(), None
    draft.save()
    return draft


def send_draft_reminders(*, now: datetime.datetime | None = None, batch: int = 200) -> int:
    """Remind the researcher, once, of a draft left unsent for seven days."""
    now = now or timezone.now()
    with transaction.atomic():
        due = list(Draft.objects.select_for_update(skip_locked=True, of=("self",))
                   .filter(reminded_at__isnull=True, updated_at__lte=now - datetime.timedelta(days=DRAFT_REMINDER_DAYS))
                   .select_related("requester").order_by("updated_at")[:batch])
        for draft in due:
            queue_email(draft.requester.email, "consultation_draft_reminder",
                        {"first_name": draft.requester.get_short_name(),
                         "path": f"{reverse('consultations:new')}?draft={draft.pk}"},
                        idempotency_key=f"consultation_draft_reminder:{draft.pk}:{draft.updated_at.isoformat()}")
        Draft.objects.filter(pk__in=[d.pk for d in due]).update(reminded_at=now)
    return len(due)


def ask_for_survey(consultation: ConsultationRequest) -> None:
    """Queue the survey email of a completed request (once; called in the transaction that completes it)."""
    requester = consultation.requester
    queue_email(requester.email, "consultation_survey",
                {"first_name": requester.get_short_name(), "reference": consultation.reference,
                 "title": consultation.title, "path": reverse("consultations:survey", args=[consultation.reference])},
                idempotency_key=f"consultation_survey:{consultation.pk}")


def answer_survey(consultation: ConsultationRequest, *, by, score: int, comment: str = "") -> Survey:
    if by.pk != consultation.requester_id:
        raise ValidationError("Only the researcher who made the request answers its survey.")
    if consultation.status != Status.COMPLETED:
        raise ValidationError("The survey opens when the request is completed.")
    if score not in range(1, 6):
        raise ValidationError({"score": "Choose a score from 1 (poor) to 5 (excellent)."})
    try:
        with transaction.atomic():
            return Survey.objects.create(request=consultation, score=score, comment=(comment or "").strip())
    except IntegrityError:
        raise ValidationError("You have already answered this survey: thank you.") from None
