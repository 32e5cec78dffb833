"""Writes of the studies app: inquiries and their status moves, bed bookings."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from psycopg2.extras import DateTimeTZRange

from notifications.services import queue_email

from . import alerts, selectors
from .models import TRC_BED_COUNT, Bed, BedBooking, Interest, InterestNote, InterestStatusChange, SavedStudy, Study
from .note_models import NOTE_MAX_LENGTH

Status = Interest.Status
MOVES = Interest.MOVES

# --- Inquiries -------------------------------------------------------------------------

# The funnel stage a status proves was reached.
STAGE_OF_STATUS = {
    Status.CONTACTED: Interest.Stage.CONTACTED,
    Status.ELIGIBLE: Interest.Stage.ELIGIBLE,
    Status.CONSENTED: Interest.Stage.CONSENTED,
    Status.ENROLLED: Interest.Stage.ENROLLED,
}

# Emails the person gets after a move (no details: the study team explains in person).
PERSON_EMAIL_ON = {
    Status.WITHDRAWN: "interest_withdrawn",
    Status.INELIGIBLE: "interest_closed",
}


def allowed_moves(status: str) -> list[str]:
    """Statuses an inquiry in ``status`` may move to, in workflow order."""
    return MOVES.allowed(status)


def _person_address(interest: Interest) -> str:
    if interest.email:
        return interest.email
    return interest.user.email if interest.user_id else ""


def _person_context(interest: Interest) -> dict[str, Any]:
    return {
        "reference": interest.reference,
        "has_account": bool(interest.user_id),
        "path": reverse("studies:my_inquiries") if interest.user_id else "",
    }


def _team_addresses(study: Study) -> list[str]:
    addresses = sorted({email for email in study.team.filter(is_active=True).values_list("email", flat=True) if email})
    return addresses or [study.contact_email]


def _queue_team_email(interest: Interest, template: str, event: str) -> None:
    study = interest.study
    context = {
        "study_label": study.short_label,
        "reference": interest.reference,
        "path": reverse("studies:team_study", args=[study.pk]),
    }
    # Study teams read the portal in its default language, whatever language the person used.
    for address in _team_addresses(study):
        queue_email(address, template, context, idempotency_key=f"{template}:{interest.pk}:{event}:{address}",
                    language=settings.LANGUAGE_CODE)


def _supported_language(language: str | None) -> str:
    """One of settings.LANGUAGES for ``language`` (or the active language); the default one otherwise."""
    try:
        return translation.get_supported_language_variant(language or translation.get_language() or "")
    except LookupError:
        return settings.LANGUAGE_CODE


@transaction.atomic
def submit_interest(*, study: Study, name: str, email: str = "", phone: str = "",
                    preferred_contact: str = Interest.ContactBy.EMAIL, best_time: str = Interest.BestTime.ANY,
                    answers: dict[str, dict[str, Any]] | None = None, consent_to_contact: bool,
                    user=None, language: str | None = None) -> Interest:
    """Record an "I'm interested" inquiry; email the person a receipt and the team a notice.

    ``language`` is the language of the page the person used (default: the active one); the
    receipt and every later email to the person are written in it.
    """
    if not study.accepts_inquiries:
        raise ValidationError("This study is not taking new inquiries.", code="closed")
    interest = Interest(
        study=study, name=name.strip(), email=email.strip().lower(), phone=phone.strip(),
        preferred_contact=preferred_contact, best_time=best_time, answers=answers or {},
        consent_to_contact=consent_to_contact, user=user if getattr(user, "is_authenticated", False) else None,
        language=_supported_language(language),
    )
    interest.full_clean()
    if interest.user is not None:
        interest._history_user = interest.user
    interest.save()
    address = _person_address(interest)
    if address:
        queue_email(address, "interest_received", _person_context(interest),
                    idempotency_key=f"interest_received:{interest.pk}", language=interest.language)
    _queue_team_email(interest, "study_new_inquiry", "new")
    return interest


def _on_team(user, study: Study) -> bool:
    if user is None:
        return False
    return user.is_superuser or study.team.filter(pk=user.pk).exists()


@transaction.atomic
def change_interest_status(interest: Interest, to: str, by, reason: str = "") -> InterestStatusChange:
    """Move an inquiry to ``to``: checks the allowed moves, keeps history, queues the emails.

    Raises ``InvalidTransition`` for a move the table does not allow, and ``ValidationError``
    when a move to ineligible has no reason.
    """
    locked = Interest.objects.select_for_update(of=("self",)).select_related("study", "user").get(pk=interest.pk)
    current = locked.status
    MOVES.check(current, to, refusal=lambda: (
        f"Inquiry {locked.reference} is {MOVES.label(current)}; it cannot be marked {MOVES.label(to)}."))
    reason = (reason or "").strip()
    if to == Status.INELIGIBLE and not reason:
        raise ValidationError("Say why the person is not eligible.", code="reason_required")
    now = timezone.now()
    locked.status = to
    locked.status_reason = reason
    locked.status_changed_at = now
    locked.stage_reached = max(locked.stage_reached, STAGE_OF_STATUS.get(to, Interest.Stage.INQUIRY))
    locked._history_user = by
    locked.save(update_fields=["status", "status_reason", "status_changed_at", "stage_reached"])
    change = InterestStatusChange.objects.create(interest=locked, from_status=current, to_status=to, by=by,
                                                 reason=reason, at=now)
    template = PERSON_EMAIL_ON.get(to)
    address = _person_address(locked)
    if template and address:
        queue_email(address, template, _person_context(locked), idempotency_key=f"{template}:{locked.pk}:{change.pk}",
                    language=locked.language)
    if to == Status.WITHDRAWN and not _on_team(by, locked.study):
        _queue_team_email(locked, "study_inquiry_withdrawn", f"withdrawn-{change.pk}")
    for field in ("status", "status_reason", "status_changed_at", "stage_reached"):
        setattr(interest, field, getattr(locked, field))
    return change


@transaction.atomic
def add_note(*, interest: Interest, author, text: str) -> InterestNote:
    """Keep a team member's note with the inquiry. Notes are protected: no email, no log line."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Write the note before saving it."}, code="note_empty")
    if len(text) > NOTE_MAX_LENGTH:
        raise ValidationError({"text": f"Keep the note to {NOTE_MAX_LENGTH:,} characters or fewer "
                                       f"(it has {len(text):,})."}, code="note_long")
    note = InterestNote(interest=interest, author=author, text=text)
    note._history_user = author
    note.save()
    return note


@transaction.atomic
def link_inquiries_to_verified_email(user) -> int:
    """Give a person the inquiries sent from their address before they had an account.

    Only for an address the person proved they own (``email_confirmed``, set by the emailed
    sign-up link): an inquiry is never shown to an account whose address nobody has confirmed.
    Returns how many were linked.
    """
    if not getattr(user, "email_confirmed", False) or not user.is_active or not user.email:
        return 0
    found = list(Interest.objects.select_for_update().filter(user__isnull=True, email__iexact=user.email))
    for interest in found:  # one by one, so that the history says who took the inquiry over
        interest.user = user
        interest._history_user = user
        interest.save(update_fields=["user"])
    return len(found)


# --- TRC beds --------------------------------------------------------------------------

MAX_STAY = timedelta(days=90)


class BedUnavailable(ValidationError):
    """The bed asked for (or every bed) is booked for part of the range; ``free_beds`` lists the others."""

    def __init__(self, message: str, *, code: str, free_beds: list[Bed]):
        super().__init__(message, code=code)
        self.free_beds = free_beds


def bed_numbers_text(numbers: list[int]) -> str:
    """Bed numbers as a person says them: "3, 5 to 7 and 10"."""
    runs: list[list[int]] = []
    for number in sorted(numbers):
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    parts = [str(run[0]) if len(run) == 1 else f"{run[0]} to {run[-1]}" for run in runs]
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


def free_beds_sentence(beds: list[Bed]) -> str:
    if not beds:
        return "No bed is free for the whole stay; try other dates."
    if len(beds) == 1:
        return f"Bed {beds[0].number} is free for the whole stay."
    return f"Free for the whole stay: beds {bed_numbers_text([bed.number for bed in beds])}."


def check_period(start: datetime, end: datetime) -> None:
    if start is None or end is None:
        raise ValidationError("Give an admission and a discharge time.", code="period_missing")
    if end <= start:
        raise ValidationError("Discharge must be after admission.", code="period_order")
    if end - start > MAX_STAY:
        raise ValidationError("A booking can last 90 days at most; book a longer stay in parts.", code="period_long")


def _is_overlap_violation(error: IntegrityError) -> bool:
    diag = getattr(error.__cause__, "diag", None)
    return getattr(diag, "constraint_name", "") == "bedbooking_no_overlap"


def book_bed(*, study: Study, start: datetime, end: datetime, by, bed: Bed | None = None,
             note: str = "") -> BedBooking:
    """Hold a bed for ``study`` from ``start`` to ``end``; the first free bed when none is named.

    The exclusion constraint decides: of two people booking one bed at once, one wins and the
    other gets ``BedUnavailable`` naming the beds that are still free (they take turns on the bed's
    row, so the constraint never waits on a stay still being written).
    """
    check_period(start, end)
    chosen = bed
    # Someone may take "the first free bed" between our look and our insert: then try the next one.
    attempts = 1 if bed is not None else TRC_BED_COUNT
    for _ in range(attempts):
        if bed is None:
            free = selectors.free_beds(start, end)
            if not free:
                raise BedUnavailable(free_beds_sentence([]), code="no_bed", free_beds=[])
            chosen = free[0]
        try:
            with transaction.atomic():
                # Bookers of one bed wait their turn on its row: PostgreSQL checks the exclusion constraint
                # against stays still being inserted by others, and ten of those at once could deadlock.
                Bed.objects.select_for_update().filter(pk=chosen.pk).exists()
                booking = BedBooking(bed=chosen, study=study, period=DateTimeTZRange(start, end), note=note.strip(),
                                     created_by=by)
                booking._history_user = by
                booking.save()
                return booking
        except IntegrityError as error:
            if not _is_overlap_violation(error):
                raise
    free = selectors.free_beds(start, end)
    raise BedUnavailable(f"Bed {chosen.number} is already booked for part of that time. {free_beds_sentence(free)}",
                         code="bed_taken", free_beds=free)


@transaction.atomic
def cancel_booking(booking: BedBooking, by) -> BedBooking:
    """Free the bed; the booking stays on record as cancelled."""
    if booking.status == BedBooking.Status.CANCELLED:
        raise ValidationError("This booking is already cancelled.", code="already_cancelled")
    booking.status = BedBooking.Status.CANCELLED
    booking._history_user = by
    booking.save(update_fields=["status"])
    return booking


# --- Saved studies -----------------------------------------------------------------------


@transaction.atomic
def set_saved(*, user, study: Study, saved: bool) -> None:
    """Add a public study to a person's saved list, or take it off (both idempotent)."""
    if saved:
        _, created = SavedStudy.objects.get_or_create(user=user, study=study)
        if created:
            alerts.study_saved(user=user, study=study)
    else:
        SavedStudy.objects.filter(user=user, study=study).delete()
