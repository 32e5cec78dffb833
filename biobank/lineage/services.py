"""Splitting a sample into aliquots or derivatives: one transaction, the parent row locked."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from ..models import DERIVATIONS, Derivation, Sample, SampleType
from ..services import move_samples
from ..storage import selectors as storage_selectors

SUFFIX = {Derivation.ALIQUOT: "A", Derivation.DERIVATIVE: "D"}


def _child_barcodes(parent: Sample, kind: str, count: int) -> list[str]:
    prefix = f"{parent.barcode}-{SUFFIX[kind]}"
    taken = set(Sample.objects.filter(barcode__startswith=prefix).values_list("barcode", flat=True))
    barcodes, n = [], 1
    while len(barcodes) < count:
        barcode = f"{prefix}{n}"
        if barcode not in taken:
            barcodes.append(barcode)
        n += 1
    if any(len(b) > 32 for b in barcodes):
        raise ValidationError({"count": f"Barcodes made from {parent.barcode} would be longer than 32 characters."})
    return barcodes


@transaction.atomic
def split_sample(parent: Sample, *, kind: str, count: int, taken_each: Decimal, by,
                 sample_type: str = "", product_each: Decimal | None = None, unit: str = "",
                 reason: str = "") -> list[Sample]:
    """Make ``count`` aliquots (same type, ``taken_each`` each) or derivatives (``sample_type``,
    ``product_each`` of ``unit`` each, made from ``taken_each`` of the parent each) of ``parent``.

    The parent row is locked, so two staff splitting it at once take turns; its quantity goes
    down by what was taken and the database refuses it below zero. A parent used up is marked
    depleted (its position freed). The children go to the next free positions from the
    parent's box on, and are recorded with their history."""
    locked = Sample.objects.select_for_update(of=("self",)).select_related("participant", "box").get(pk=parent.pk)
    if locked.status != Sample.Status.AVAILABLE:
        raise ValidationError({"count": f"Sample {locked.barcode} is {locked.get_status_display().lower()}: only "
                                        "an available sample can be split."})
    if kind not in Derivation.values:
        raise ValidationError({"kind": "Choose aliquots or derivatives."})
    if not 1 <= count <= 96:
        raise ValidationError({"count": "Make between 1 and 96 at a time."})
    if taken_each is None or taken_each <= 0:
        raise ValidationError({"taken_each": "Say how much of the parent each one takes (more than 0)."})
    taken = taken_each * count
    if taken > locked.quantity:
        raise ValidationError({"taken_each": (
            f"{count} x {taken_each.normalize():f} {locked.get_unit_display()} is more than the "
            f"{locked.quantity.normalize():f} {locked.get_unit_display()} left of {locked.barcode}.")})
    if kind == Derivation.ALIQUOT:
        sample_type, product_each, unit = locked.sample_type, taken_each, locked.unit
    else:
        allowed = DERIVATIONS.get(locked.sample_type, ())
        if sample_type not in allowed:
            names = ", ".join(str(SampleType(t).label) for t in allowed) or "nothing"
            raise ValidationError({"sample_type": f"{locked.get_sample_type_display()} can be made into {names}."})
        if product_each is None or product_each <= 0:
            raise ValidationError({"product_each": "Say how much each derivative holds (more than 0)."})
        unit = unit or locked.unit
    start = locked.box if locked.box_id else None
    try:
        slots = storage_selectors.free_positions(count, storage_selectors.boxes_in_order(start))
    except storage_selectors.NoRoom as full:
        raise ValidationError({"count": str(full)}) from None

    now = timezone.now()
    reason = (reason or "").strip()[:100] or f"{Derivation(kind).label} of {locked.barcode}"
    locked.quantity -= taken
    locked._history_user = by
    locked._change_reason = f"{count} {Derivation(kind).label.lower()}(s) taken, {taken.normalize():f} used"[:100]
    try:
        with transaction.atomic():
            locked.save(update_fields=["quantity", "updated_at"])
    except IntegrityError:  # the database's own check: never below zero
        raise ValidationError({"taken_each": f"Not enough of {locked.barcode} is left."}) from None
    children = [Sample(barcode=barcode, participant=locked.participant, sample_type=sample_type,
                       collected_at=locked.collected_at, quantity=product_each, unit=unit, parent=locked,
                       derived_as=kind, box_id=slot.box_id, pos_row=slot.row, pos_col=slot.column,
                       status=Sample.Status.AVAILABLE, created_at=now)
                for barcode, slot in zip(_child_barcodes(locked, kind, count), slots)]
    made = bulk_create_with_history(children, Sample, default_user=by, default_change_reason=reason)
    if locked.quantity == 0:
        move_samples(Sample.objects.filter(pk=locked.pk), Sample.Status.DEPLETED, by=by,
                     reason=f"Used up by {Derivation(kind).label.lower()}s")
    parent.quantity = locked.quantity
    return made
