"""Writes: requests and their status moves, reservations, withdrawals, sample status moves.

Every status change of a request goes through ``move_request`` (checked against the model's
``MOVES``), every status change of a sample through ``move_samples``; both write
history and queue their emails inside the caller's transaction. CSV imports live in
``biobank.importer``.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from accounts import roles
from accounts.models import User
from common.references import next_reference
from common.workflow import InvalidTransition
from notifications.services import queue_email

from . import selectors
from .criteria import CohortCriteria
from .models import (
    BiobankRequest,
    Participant,
    RecontactRequest,
    RecontactSelection,
    Sample,
    SampleRequest,
    Withdrawal,
)

KIND_NAMES = {SampleRequest: "sample request", RecontactRequest: "re-contact request"}


# --- Notifications: references and links only, never protected data or counts ------------

def _email_context(obj: BiobankRequest) -> dict:
    return {"reference": obj.reference, "kind": KIND_NAMES[type(obj)], "path": obj.get_absolute_url()}


def _notify_submitted(obj: BiobankRequest) -> None:
    queue_email(obj.researcher.email, "biobank_request_received", _email_context(obj),
                idempotency_key=f"biobank:{obj.reference}:received")
    admin_path = reverse(f"admin:biobank_{type(obj)._meta.model_name}_change", args=[obj.pk])
    staff = User.objects.filter(groups__name=roles.BIOBANK_STAFF, is_active=True).distinct().order_by("pk")
    for member in staff.only("pk", "email"):
        queue_email(member.email, "biobank_new_request", {**_email_context(obj), "path": admin_path},
                    idempotency_key=f"biobank:{obj.reference}:staff:{member.pk}")


def _notify_status(obj: BiobankRequest) -> None:
    queue_email(obj.researcher.email, "biobank_request_status", _email_context(obj),
                idempotency_key=f"biobank:{obj.reference}:status:{obj.status}")


# --- Requests -------------------------------------------------------------------------------

def _with_cohort(criteria: dict, cohort: dict | None) -> dict:
    return {**criteria, "cohort": cohort} if cohort else criteria


def _file(obj: BiobankRequest) -> BiobankRequest:
    obj.full_clean()
    obj._history_user = obj.researcher
    obj._change_reason = "Submitted"
    obj.save()
    _notify_submitted(obj)
    return obj


@transaction.atomic
def submit_sample_request(researcher, *, irb_protocol: str, title: str, criteria: CohortCriteria,
                          samples_requested: int, purpose: str, cohort: dict | None = None) -> SampleRequest:
    """``cohort``: a saved cohort (name, question, description) the request is for, kept with its criteria."""
    return _file(SampleRequest(
        reference=next_reference(SampleRequest.REFERENCE_PREFIX), researcher=researcher,
        irb_protocol=irb_protocol.strip(), title=title.strip(), criteria=_with_cohort(criteria.as_dict(), cohort),
        samples_requested=samples_requested, purpose=purpose.strip()))


@transaction.atomic
def submit_recontact_request(researcher, *, irb_protocol: str, title: str, criteria: CohortCriteria,
                             participants_requested: int, message: str, cohort: dict | None = None) -> RecontactRequest:
    return _file(RecontactRequest(
        reference=next_reference(RecontactRequest.REFERENCE_PREFIX), researcher=researcher,
        irb_protocol=irb_protocol.strip(), title=title.strip(),
        criteria=_with_cohort(selectors.criteria_with_recontact(criteria).as_dict(), cohort),
        participants_requested=participants_requested, message=message.strip()))


def _label(model, status: str) -> str:
    return dict(model.Status.choices).get(status, status).lower()


@transaction.atomic
def move_request(obj: BiobankRequest, to: str, *, by, reason: str = "") -> BiobankRequest:
    """The one way a request changes status: checked, written with history, notified."""
    model = type(obj)
    locked = model.objects.select_for_update().get(pk=obj.pk)
    model.MOVES.check(locked.status, to, refusal=lambda: (
        f"A request that is {_label(model, locked.status)} cannot become {_label(model, to)}."))
    if to in model.RESEARCHER_MOVES:
        if by.pk != locked.researcher_id:
            raise InvalidTransition("Only the researcher who filed a request can withdraw it.")
    elif not roles.has_role(by, roles.BIOBANK_STAFF):
        raise InvalidTransition("Only biobank staff can review and fulfil requests.")
    reason = (reason or "").strip()
    if to == model.Status.DECLINED and not reason:
        raise ValidationError({"reason": "Give the reason for declining: the researcher will read it."})

    _check_fulfilment(locked, to)
    if isinstance(locked, SampleRequest) and to == SampleRequest.Status.WITHDRAWN:
        move_samples(locked.samples.filter(status=Sample.Status.RESERVED), Sample.Status.AVAILABLE, by=by,
                     reason=f"Released: {locked.reference} was withdrawn")
    if to in (model.Status.APPROVED, model.Status.DECLINED):
        locked.decided_by = by
        locked.decision_reason = reason
    locked.status = to
    locked._history_user = by
    locked._change_reason = reason[:100] or f"Moved to {_label(model, to)}"
    locked.save()
    _notify_status(locked)
    obj.status, obj.decided_by_id, obj.decision_reason = locked.status, locked.decided_by_id, locked.decision_reason
    return locked


def _check_fulfilment(obj: BiobankRequest, to: str) -> None:
    """Fulfilment moves follow the work they stand for."""
    if isinstance(obj, SampleRequest):
        reserved = obj.samples.filter(status=Sample.Status.RESERVED).exists()
        if to == SampleRequest.Status.FULFILLING and not reserved:
            raise InvalidTransition("Reserve samples for the request first.")
        if to == SampleRequest.Status.FULFILLED and reserved:
            raise InvalidTransition("Mark the reserved samples distributed first.")
        if to == SampleRequest.Status.FULFILLED and not obj.samples.exists():
            raise InvalidTransition("No sample was distributed for this request.")
    elif to in (RecontactRequest.Status.CONTACTING, RecontactRequest.Status.COMPLETED) and not obj.selections.exists():
        raise InvalidTransition("Select the participants to contact first.")


# --- Samples --------------------------------------------------------------------------------

def move_samples(samples: QuerySet[Sample], to: str, *, by, reason: str, reserved_for: SampleRequest | None = None
                 ) -> int:
    """Move every sample of ``samples`` to status ``to``, or none of them; returns how many moved."""
    if to not in Sample.Status.values:
        raise InvalidTransition(f"Unknown sample status {to!r}.")
    with transaction.atomic():
        objs = list(samples.select_for_update(of=("self",)).order_by("pk"))
        refused = [s for s in objs if to not in Sample.MOVES[s.status]]
        if refused:
            shown = ", ".join(f"{s.barcode} ({s.get_status_display().lower()})" for s in refused[:10])
            more = f" and {len(refused) - 10} more" if len(refused) > 10 else ""
            raise InvalidTransition(
                f"{len(refused)} sample(s) cannot become {_label(Sample, to)}: {shown}{more}.")
        now = timezone.now()
        for sample in objs:
            sample.status = to
            sample.updated_at = now
            if to == Sample.Status.RESERVED:
                sample.reserved_for = reserved_for
            elif to != Sample.Status.DISTRIBUTED:
                sample.reserved_for = None
        if objs:
            bulk_update_with_history(objs, Sample, ["status", "reserved_for", "updated_at"], batch_size=1000,
                                     default_user=by, default_change_reason=reason[:100])
    return len(objs)


@transaction.atomic
def reserve_samples(request_obj: SampleRequest, *, by, count: int | None = None,
                    barcodes: Iterable[str] = ()) -> int:
    """Reserve samples matching the request's criteria: the chosen barcodes, or the next ``count``.

    Rows are locked with SKIP LOCKED, so two staff members reserving at the same time never
    get the same sample; each reservation is re-checked in the UPDATE itself.
    """
    req = SampleRequest.objects.select_for_update().get(pk=request_obj.pk)
    if req.status not in (SampleRequest.Status.APPROVED, SampleRequest.Status.FULFILLING):
        raise InvalidTransition(f"Samples can be reserved only for an approved request; {req.reference} is "
                                f"{_label(SampleRequest, req.status)}.")
    if not roles.has_role(by, roles.BIOBANK_STAFF):
        raise InvalidTransition("Only biobank staff can reserve samples.")
    matching = selectors.offerable_samples(CohortCriteria.from_dict(req.criteria))
    barcodes = sorted({b.strip().upper() for b in barcodes if b.strip()})
    if barcodes:
        ids = list(matching.filter(barcode__in=barcodes)
                   .select_for_update(skip_locked=True, of=("self",)).values_list("pk", flat=True))
        if len(ids) != len(barcodes):
            found = set(Sample.objects.filter(pk__in=ids).values_list("barcode", flat=True))
            missing = [b for b in barcodes if b not in found]
            raise ValidationError({"barcodes": (
                "These samples cannot be reserved for this request (unknown, not available, from a participant "
                "who withdrew or did not consent, or not matching its criteria): " + ", ".join(missing[:20]))})
    else:
        if count is None:
            count = req.samples_requested - req.samples.filter(
                status__in=[Sample.Status.RESERVED, Sample.Status.DISTRIBUTED]).count()
        if count <= 0:
            raise ValidationError({"count": "All the samples requested are already reserved."})
        ids = list(matching.select_for_update(skip_locked=True, of=("self",))
                   .order_by("pk").values_list("pk", flat=True)[:count])
        if not ids:
            raise ValidationError({"count": "No available sample matches this request's criteria."})
    reserved = move_samples(Sample.objects.filter(pk__in=ids, status=Sample.Status.AVAILABLE), Sample.Status.RESERVED,
                            by=by, reason=f"Reserved for {req.reference}", reserved_for=req)
    if req.status == SampleRequest.Status.APPROVED:
        move_request(req, SampleRequest.Status.FULFILLING, by=by)
    request_obj.status = SampleRequest.Status.FULFILLING
    return reserved


@transaction.atomic
def distribute_samples(request_obj: SampleRequest, *, by) -> int:
    """Mark every sample reserved for the request as distributed; the request is fulfilled."""
    req = SampleRequest.objects.select_for_update().get(pk=request_obj.pk)
    if req.status != SampleRequest.Status.FULFILLING:
        raise InvalidTransition("Reserve samples for the request before marking them distributed.")
    reserved = req.samples.filter(status=Sample.Status.RESERVED)
    if not reserved.exists():
        raise InvalidTransition("No sample is reserved for this request.")
    moved = move_samples(reserved, Sample.Status.DISTRIBUTED, by=by, reason=f"Distributed for {req.reference}")
    move_request(req, SampleRequest.Status.FULFILLED, by=by)
    request_obj.status = SampleRequest.Status.FULFILLED
    return moved


# --- Re-contact -----------------------------------------------------------------------------

@transaction.atomic
def select_recontact_participants(request_obj: RecontactRequest, *, by, count: int | None = None) -> int:
    """Choose who the biobank will contact: only consenting, non-withdrawn participants."""
    req = RecontactRequest.objects.select_for_update().get(pk=request_obj.pk)
    if req.status not in RecontactRequest.PENDING_CONTACT:
        raise InvalidTransition(f"Participants can be selected only for an approved request; {req.reference} is "
                                f"{_label(RecontactRequest, req.status)}.")
    if not roles.has_role(by, roles.BIOBANK_STAFF):
        raise InvalidTransition("Only biobank staff can select participants.")
    already = req.selections.values_list("participant_id", flat=True)
    if count is None:
        count = req.participants_requested - req.selections.count()
    if count <= 0:
        raise ValidationError({"count": "All the participants requested are already selected."})
    ids = list(selectors.recontactable_participants(CohortCriteria.from_dict(req.criteria))
               .exclude(pk__in=already).order_by("pk").values_list("pk", flat=True)[:count])
    if not ids:
        raise ValidationError({"count": "No further participant who consented to re-contact matches the criteria."})
    RecontactSelection.objects.bulk_create(
        [RecontactSelection(request=req, participant_id=pk, selected_by=by) for pk in ids])
    if req.status == RecontactRequest.Status.APPROVED:
        move_request(req, RecontactRequest.Status.CONTACTING, by=by)
    request_obj.status = RecontactRequest.Status.CONTACTING
    return len(ids)


def drop_from_pending_recontacts(participant: Participant) -> list[str]:
    """Take a participant off every re-contact list not yet sent; returns the requests' references."""
    selections = RecontactSelection.objects.filter(participant=participant,
                                                   request__status__in=RecontactRequest.PENDING_CONTACT)
    references = sorted(set(selections.values_list("request__reference", flat=True)))
    selections.delete()
    return references


@transaction.atomic
def save_participant(participant: Participant, *, by, recontact_revoked: bool = False) -> list[str]:
    """Save a participant edited by staff; revoking re-contact consent drops pending contacts."""
    participant._history_user = by
    participant.save()
    return drop_from_pending_recontacts(participant) if recontact_revoked else []


# --- Withdrawal -----------------------------------------------------------------------------

@transaction.atomic
def withdraw_participant(participant: Participant, *, by, reason: str, when=None) -> Withdrawal:
    """Record a withdrawal: every stored sample becomes unavailable, reservations and pending
    re-contacts are cancelled, and the reason is kept. All or nothing."""
    locked = Participant.objects.select_for_update().get(pk=participant.pk)
    today = timezone.localdate()
    when = when or today
    reason = (reason or "").strip()
    errors = {}
    if locked.withdrawn_on:
        errors["participant"] = f"{locked.biobank_id} withdrew on {locked.withdrawn_on:%d %b %Y} already."
    if not reason:
        errors["reason"] = "Say why the participant withdrew, as they or the record put it."
    if when > today:
        errors["withdrawn_on"] = "The withdrawal date cannot be in the future."
    if errors:
        raise ValidationError(errors)

    affected = set(locked.samples.filter(status=Sample.Status.RESERVED)
                   .values_list("reserved_for__reference", flat=True))
    reservations = locked.samples.filter(status=Sample.Status.RESERVED).count()
    unavailable = move_samples(
        locked.samples.filter(status__in=[Sample.Status.AVAILABLE, Sample.Status.RESERVED]),
        Sample.Status.WITHDRAWN, by=by, reason=f"Participant {locked.biobank_id} withdrew")
    dropped = drop_from_pending_recontacts(locked)
    affected.update(dropped)

    locked.withdrawn_on = when
    locked._history_user = by
    locked._change_reason = "Withdrawal recorded"
    locked.save()
    participant.withdrawn_on = when
    return Withdrawal.objects.create(
        participant=locked, withdrawn_on=when, reason=reason, recorded_by=by,
        samples_made_unavailable=unavailable, reservations_released=reservations,
        recontacts_cancelled=len(dropped), requests_affected=sorted(affected),
    )
