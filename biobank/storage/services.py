"""Writes of the storage tree: placing a sample, moving samples, each move recorded."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from ..models import PlacementConflict, Sample, SampleMove, StorageContainer
from . import selectors


def resolve_position(box: StorageContainer, text: str, *, field: str = "position") -> tuple[int, int]:
    """(row, column) of a written position of ``box``, or a ValidationError naming ``field``."""
    found = box.locate(text)
    if found is None:
        example = box.label(1, 1), box.label(box.rows, box.columns)
        raise ValidationError({field: f"\"{(text or '').strip()[:20]}\" is not a position of box {box.path} "
                                      f"({box.rows} x {box.columns}: {example[0]} to {example[1]})."})
    return found


@transaction.atomic
def move_sample(sample: Sample, *, box: StorageContainer, position: str = "", by, reason: str = "") -> SampleMove:
    """Put a stored sample at ``position`` of ``box`` (the box's next free one when empty).

    The move is recorded (from, to, who, when, why) and in the sample's history; a placement
    conflict of the sample is resolved by it. The database refuses a position taken meanwhile.
    """
    locked = Sample.objects.select_for_update(of=("self",)).select_related("box").get(pk=sample.pk)
    if locked.status not in Sample.IN_STORAGE:
        raise ValidationError({"box": f"Sample {locked.barcode} is {locked.get_status_display().lower()}: "
                                      "it is not in the freezer to be moved."})
    if not box.is_box:
        raise ValidationError({"box": "Choose a box: samples stand in boxes."})
    box = StorageContainer.objects.select_related("parent__parent").get(pk=box.pk)
    if (position or "").strip():
        row, column = resolve_position(box, position)
    else:
        try:
            slot = selectors.free_positions(1, [box], within_first=True)[0]
        except selectors.NoRoom as full:
            raise ValidationError({"position": str(full)}) from None
        row, column = slot.row, slot.column
    if (locked.box_id, locked.pos_row, locked.pos_col) == (box.pk, row, column):
        raise ValidationError({"position": f"Sample {locked.barcode} is at {box.label(row, column)} already."})
    holder = (Sample.objects.filter(selectors.STORED, box=box, pos_row=row, pos_col=column)
              .exclude(pk=locked.pk).values_list("barcode", flat=True).first())
    if holder:
        raise ValidationError({"position": f"{box.label(row, column)} of box {box.path} holds sample {holder}."})
    record = SampleMove(sample=locked, from_box_id=locked.box_id, from_row=locked.pos_row, from_col=locked.pos_col,
                        to_box=box, to_row=row, to_col=column, moved_by=by, reason=(reason or "").strip()[:200])
    locked.box, locked.pos_row, locked.pos_col = box, row, column
    locked._history_user = by
    locked._change_reason = f"Moved to {box.path} / {box.label(row, column)}"[:100]
    try:
        with transaction.atomic():
            locked.save(update_fields=["box", "pos_row", "pos_col", "updated_at"])
    except IntegrityError:
        raise ValidationError({"position": "Another sample was put at this position a moment ago: "
                                           "choose another."}) from None
    record.save()
    PlacementConflict.objects.filter(sample=locked, resolved_at__isnull=True).update(resolved_at=timezone.now())
    sample.box, sample.pos_row, sample.pos_col = locked.box, row, column
    return record


def build_boxes(layout: list[tuple[str, str, str]], *, rows: int = 9, columns: int = 9,
                labelling: str = StorageContainer.Labelling.LETTER_NUMBER) -> dict[tuple[str, str, str], int]:
    """Freezers, racks and boxes of ``rows`` x ``columns`` for each (freezer, rack, box) named, made
    where missing (for demo and scale data); returns each box's id. A few queries per level."""
    kind = StorageContainer.Kind
    made: dict[tuple, int] = {}

    def level(keys, kind_, parent_of, **grid):
        existing = {}
        for c in StorageContainer.objects.filter(kind=kind_).values("pk", "name", "parent_id"):
            existing[(c["parent_id"], c["name"])] = c["pk"]
        wanted = {(parent_of(key), key[-1]) for key in keys}
        missing = [StorageContainer(name=name, kind=kind_, parent_id=parent, **grid)
                   for parent, name in sorted(wanted - set(existing), key=lambda k: (k[0] or 0, k[1]))]
        for obj in StorageContainer.objects.bulk_create(missing, batch_size=1000):
            existing[(obj.parent_id, obj.name)] = obj.pk
        for key in keys:
            made[key] = existing[(parent_of(key), key[-1])]

    freezers = sorted({(f,) for f, _, _ in layout})
    racks = sorted({(f, r) for f, r, _ in layout})
    boxes = sorted(set(layout))
    level(freezers, kind.FREEZER, lambda key: None)
    level(racks, kind.RACK, lambda key: made[key[:1]])
    level(boxes, kind.BOX, lambda key: made[key[:2]], rows=rows, columns=columns, labelling=labelling)
    return {key: made[key] for key in boxes}
