"""Partnership inquiries: submission and the one status function."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from accounts.models import User
from common.references import next_reference
from common.workflow import InvalidTransition
from notifications.services import queue_email

from .models import Inquiry, InquiryStatusChange

S = Inquiry.Status
# Moves the partner hears about (by email, without the details).
NOTIFY_PARTNER = {S.IN_DISCUSSION, S.AGREED, S.DECLINED}


@transaction.atomic
def submit_inquiry(*, submitted_by=None, **fields) -> Inquiry:
    inquiry = Inquiry(reference=next_reference(Inquiry.REFERENCE_PREFIX), submitted_by=submitted_by
                      if getattr(submitted_by, "is_authenticated", False) else None, **fields)
    inquiry.full_clean()
    inquiry.save()
    InquiryStatusChange.objects.create(inquiry=inquiry, from_status="", to_status=S.NEW, by=inquiry.submitted_by)
    queue_email(inquiry.contact_email, "partnership_received", {"reference": inquiry.reference},
                idempotency_key=f"partnership-received:{inquiry.pk}")
    staff_emails = User.objects.filter(groups__name=roles.DCR_STAFF, is_active=True, is_staff=True).values_list(
        "email", flat=True)
    admin_path = reverse("admin:collaborations_inquiry_change", args=[inquiry.pk])
    for email in staff_emails:
        queue_email(email, "partnership_new_for_staff",
                    {"reference": inquiry.reference, "kind": inquiry.get_kind_display(), "path": admin_path},
                    idempotency_key=f"partnership-new:{inquiry.pk}:{email}")
    return inquiry


@transaction.atomic
def change_status(inquiry: Inquiry, to_status: str, *, by, reason: str = "") -> Inquiry:
    """Move an inquiry to ``to_status`` if the table allows it; history and email in one transaction."""
    inquiry = Inquiry.objects.select_for_update().get(pk=inquiry.pk)
    Inquiry.MOVES.check(inquiry.status, to_status, refusal=lambda: (
        f"{inquiry.reference} is {inquiry.get_status_display().lower()}; it cannot be moved to "
        f"“{Inquiry.MOVES.label(to_status)}”."))
    if to_status == S.DECLINED and not reason.strip():
        raise InvalidTransition("Give a reason when declining an inquiry.")
    from_status = inquiry.status
    inquiry.status = to_status
    if reason:
        inquiry.decision_reason = reason.strip()
    inquiry.updated_at = timezone.now()
    inquiry.save(update_fields=["status", "decision_reason", "updated_at"])
    InquiryStatusChange.objects.create(inquiry=inquiry, from_status=from_status, to_status=to_status, by=by,
                                       note=reason.strip())
    if to_status in NOTIFY_PARTNER:
        queue_email(inquiry.contact_email, "partnership_status",
                    {"reference": inquiry.reference, "has_account": inquiry.submitted_by_id is not None,
                     "path": reverse("collaborations:mine")},
                    idempotency_key=f"partnership-status:{inquiry.pk}:{to_status}")
    return inquiry


@transaction.atomic
def assign(inquiry: Inquiry, assignee, *, by) -> Inquiry:
    if not (assignee.is_staff and assignee.is_active):
        raise ValidationError("Inquiries can only be assigned to active staff.")
    Inquiry.objects.filter(pk=inquiry.pk).update(assignee=assignee, updated_at=timezone.now())
    inquiry.refresh_from_db()
    if inquiry.status == S.NEW:
        change_status(inquiry, S.IN_REVIEW, by=by, reason="")
        inquiry.refresh_from_db()
    return inquiry

