"""Reads of the storage tree: boxes in order, free positions, a box's map, utilisation."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q

from ..models import Sample, SampleType, StorageContainer

STORED = Q(status__in=Sample.IN_STORAGE)


@dataclass(frozen=True)
class Slot:
    box_id: int
    row: int
    column: int


class NoRoom(Exception):
    """Fewer free positions than samples to place; the message says where."""


def boxes_in_order(start: StorageContainer | None = None) -> list[StorageContainer]:
    """Every box in the order staff fill them (freezer, then shelf or rack, then box, by name),
    from ``start`` on when given. One query."""
    boxes = list(StorageContainer.objects.filter(kind=StorageContainer.Kind.BOX)
                 .select_related("parent__parent").order_by("parent__parent__name", "parent__name", "name", "pk"))
    if start is not None:
        ids = [box.pk for box in boxes]
        boxes = boxes[ids.index(start.pk):] if start.pk in ids else [start]
    return boxes


def _occupied(box_ids: list[int]) -> dict[int, set[tuple[int, int]]]:
    taken = defaultdict(set)
    for box_id, row, column in Sample.objects.filter(STORED, box_id__in=box_ids).values_list(
            "box_id", "pos_row", "pos_col"):
        taken[box_id].add((row, column))
    return taken


def _slots(box: StorageContainer, taken: set, claimed: set, count: int) -> list[Slot]:
    slots = []
    for row in range(1, box.rows + 1):
        for column in range(1, box.columns + 1):
            if (row, column) not in taken and (row, column) not in claimed:
                slots.append(Slot(box.pk, row, column))
                if len(slots) == count:
                    return slots
    return slots


def free_positions(count: int, boxes: list[StorageContainer], *, claimed: dict | None = None,
                   within_first: bool = False) -> list[Slot]:
    """The next ``count`` free positions, box by box in the given order, row by row: two queries.

    ``claimed`` positions ({box id: {(row, column)}}) count as taken; with ``within_first`` only
    the first box is searched. Raises ``NoRoom`` when there are not enough.
    """
    if count <= 0:
        return []
    claimed = claimed or {}
    searched = boxes[:1] if within_first else boxes
    used = dict(Sample.objects.filter(STORED, box_id__in=[b.pk for b in searched]).values("box_id")
                .annotate(n=Count("pk")).values_list("box_id", "n"))
    candidates, room = [], 0
    for box in searched:
        free = box.capacity - used.get(box.pk, 0) - len(claimed.get(box.pk, ()))
        if free > 0:
            candidates.append(box)
            room += free
            if room >= count:
                break
    if room < count:
        where = f"box {searched[0].path}" if within_first and searched else "the storage tree"
        raise NoRoom(f"{where} has {max(room, 0)} free position(s) for {count} sample(s): add a box or free space.")
    taken = _occupied([b.pk for b in candidates])
    slots = []
    for box in candidates:
        slots += _slots(box, taken.get(box.pk, set()), claimed.get(box.pk, set()), count - len(slots))
        if len(slots) == count:
            break
    return slots


def free_positions_in(needs: dict[int, int], boxes: dict[int, StorageContainer], *, claimed: dict
                      ) -> dict[int, list[Slot] | NoRoom]:
    """For each box id, its next ``needs[box]`` free positions (or the ``NoRoom`` that says why
    not), for any number of boxes in two queries."""
    ids = list(needs)
    taken = _occupied(ids)
    found = {}
    for box_id in ids:
        box = boxes[box_id]
        slots = _slots(box, taken.get(box_id, set()), claimed.get(box_id, set()), needs[box_id])
        if len(slots) < needs[box_id]:
            found[box_id] = NoRoom(f"box {box.path} has {len(slots)} free position(s) for {needs[box_id]} sample(s): "
                                   "add a box or free space.")
        else:
            found[box_id] = slots
    return found


@dataclass
class Cell:
    row: int
    column: int
    label: str
    state: str  # free, occupied, reserved, unavailable, distributed
    sample: Sample | None = None

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]


STATE_LABELS = {"free": "Free", "occupied": "Occupied", "reserved": "Reserved",
                "unavailable": "Unavailable (donor withdrew)", "distributed": "Free (last sample distributed)"}
_STATE_OF = {Sample.Status.AVAILABLE: "occupied", Sample.Status.RESERVED: "reserved",
             Sample.Status.WITHDRAWN: "unavailable", Sample.Status.DISTRIBUTED: "distributed"}


@dataclass
class BoxMap:
    box: StorageContainer
    grid: list[tuple[str, list[Cell]]]  # (row label, cells)
    column_labels: list[str]
    counts: dict[str, int] = field(default_factory=dict)


def box_map(box: StorageContainer) -> BoxMap:
    """Every position of a box with what holds it: two queries whatever the box's size."""
    held = {}
    stored = Sample.objects.filter(STORED, box=box).only("pk", "barcode", "sample_type", "status", "pos_row", "pos_col")
    shipped = (Sample.objects.filter(box=box, status=Sample.Status.DISTRIBUTED)
               .only("pk", "barcode", "sample_type", "status", "pos_row", "pos_col").order_by("updated_at"))
    for sample in list(shipped) + list(stored):  # the stored sample wins a position
        held[(sample.pos_row, sample.pos_col)] = sample
    counts = defaultdict(int)
    grid = []
    for row in range(1, box.rows + 1):
        cells = []
        for column in range(1, box.columns + 1):
            sample = held.get((row, column))
            state = _STATE_OF.get(sample.status, "free") if sample else "free"
            counts[state] += 1
            cells.append(Cell(row, column, box.label(row, column), state, sample))
        grid.append((box.row_label(row), cells))
    return BoxMap(box=box, grid=grid, column_labels=[str(c) for c in range(1, box.columns + 1)], counts=dict(counts))


@dataclass
class Usage:
    container: StorageContainer
    capacity: int = 0
    used: int = 0
    types: dict[str, int] = field(default_factory=dict)
    children: list[Usage] = field(default_factory=list)

    @property
    def percent(self) -> int:
        return round(100 * self.used / self.capacity) if self.capacity else 0

    @property
    def types_shown(self) -> str:
        labels = dict(SampleType.choices)
        return ", ".join(f"{labels.get(t, t)} {n:,}" for t, n in sorted(self.types.items(), key=lambda i: -i[1]))


def utilisation() -> list[Usage]:
    """Each freezer, its shelves or racks and their boxes: positions, how many hold a stored
    sample, and of which types. Two queries for the whole tree."""
    containers = list(StorageContainer.objects.order_by("name", "pk"))
    by_box = defaultdict(dict)
    for box_id, sample_type, n in (Sample.objects.filter(STORED, box__isnull=False)
                                   .values_list("box_id", "sample_type").annotate(n=Count("pk")).order_by()):
        by_box[box_id][sample_type] = n
    usage = {c.pk: Usage(c) for c in containers}
    for c in containers:
        if c.parent_id:
            usage[c.parent_id].children.append(usage[c.pk])
    for c in containers:
        if c.is_box:
            types = by_box.get(c.pk, {})
            node = usage[c.pk]
            while node is not None:
                node.capacity += c.capacity
                node.used += sum(types.values())
                for t, n in types.items():
                    node.types[t] = node.types.get(t, 0) + n
                parent = node.container.parent_id
                node = usage[parent] if parent else None
    return [usage[c.pk] for c in containers if c.parent_id is None]


def moves_of(sample_id) -> list[dict]:
    """A sample's moves, newest first, with the places in words: one query."""
    from ..models import SampleMove

    moves = (SampleMove.objects.filter(sample_id=sample_id)
             .select_related("from_box__parent__parent", "to_box__parent__parent", "moved_by"))
    return [{"moved_at": m.moved_at, "moved_by": m.moved_by, "reason": m.reason,
             "from_place": f"{m.from_box.path} / {m.from_box.label(m.from_row, m.from_col)}" if m.from_box_id
             else "not placed",
             "to_place": f"{m.to_box.path} / {m.to_box.label(m.to_row, m.to_col)}"} for m in moves]
