"""Where imported samples go: the position the file gives, or the next free ones in order.

A row names a freezer, a shelf or rack and a box that exist in the storage tree, and a position
in that box; or the box only (its next free position); or no place at all (the next free
position in the storage tree, boxes in order). Samples that arrive depleted or destroyed need
no place. Free positions are handed out after the whole file is read, so that no row is given a
position another row of the file asks for.
"""

from __future__ import annotations

from collections import defaultdict

from common.scale import copy_line, copy_rows

from ..models import Sample, StorageContainer
from ..storage import selectors
from .cells import RowProblem, _text
from .report import _Errors

PLACE_COLUMNS = ("freezer", "rack", "box", "position")
PLACED_TABLE = "biobank_import_placed"
_STORED = "(" + ", ".join(f"'{s}'" for s in Sample.IN_STORAGE) + ")"
PARTIAL = ("Give freezer, rack and box together (with a position, or none for the box's next free one), or leave "
           "all four empty for the next free position in the storage tree.")


class Places:
    """The boxes of the storage tree, read once per import: (freezer, rack, box) -> box."""

    def __init__(self):
        self.boxes = {
            (box.parent.parent.name.upper(), box.parent.name.upper(), box.name.upper()): box
            for box in StorageContainer.objects.filter(kind=StorageContainer.Kind.BOX).select_related("parent__parent")
        }

    def read(self, row: dict) -> tuple:
        """(box id, row, column, the place as written) of a row; ids and positions None when to be allocated."""
        written = [_text(row, column, required=False, max_length=20) for column in PLACE_COLUMNS]
        freezer, rack, box_name, position = written
        if not any(written):
            return None, None, None, ""
        if not (freezer and rack and box_name):
            missing = next(c for c, v in zip(PLACE_COLUMNS, written) if not v)
            raise RowProblem(missing, PARTIAL)
        place = " / ".join(v for v in written if v)
        box = self.boxes.get((freezer.upper(), rack.upper(), box_name.upper()))
        if box is None:
            raise RowProblem("box", f"No box {freezer} / {rack} / {box_name} in the storage tree: add it under "
                                    "Storage containers first.")
        if not position:
            return box.pk, None, None, place
        found = box.locate(position)
        if found is None:
            raise RowProblem("position", f"\"{position}\" is not a position of box {box.path} ({box.rows} x "
                                         f"{box.columns}: {box.label(1, 1)} to {box.label(box.rows, box.columns)}).")
        return box.pk, found[0], found[1], place


def allocate(cursor, staging: str, errors: _Errors) -> int:
    """Give every stored sample of the file without a position the next free one; returns how many.

    Within the box a row names, else anywhere in the storage tree. Positions the file gives are
    never handed out. Rows that find no room are reported."""
    cursor.execute(f"SELECT row_no, box_id FROM {staging} WHERE pos_row IS NULL AND status IN {_STORED} "  # nosec B608
                   "ORDER BY row_no")
    needed = cursor.fetchall()
    if not needed:
        return 0
    cursor.execute(f"SELECT box_id, pos_row, pos_col FROM {staging} "  # nosec B608
                   f"WHERE pos_row IS NOT NULL AND status IN {_STORED}")
    claimed = defaultdict(set)
    for box_id, row, column in cursor.fetchall():
        claimed[box_id].add((row, column))
    by_box = defaultdict(list)
    for row_no, box_id in needed:
        by_box[box_id].append(row_no)
    order = selectors.boxes_in_order()
    boxes = {box.pk: box for box in order}
    placed = []

    def place(rows: list[int], slots: list) -> None:
        for row_no, slot in zip(rows, slots):
            placed.append((row_no, slot.box_id, slot.row, slot.column))
            claimed[slot.box_id].add((slot.row, slot.column))

    named = {box_id: len(rows) for box_id, rows in by_box.items() if box_id is not None}
    for box_id, found in selectors.free_positions_in(named, boxes, claimed=claimed).items():  # named boxes first
        if isinstance(found, selectors.NoRoom):
            errors.add(by_box[box_id][0], "box", f"No room for the {named[box_id]} sample(s) of the file without "
                                                 f"a position: {found}")
        else:
            place(by_box[box_id], found)
    anywhere = by_box.get(None, [])
    if anywhere:
        try:
            place(anywhere, selectors.free_positions(len(anywhere), order, claimed=claimed))
        except selectors.NoRoom as full:
            errors.add(anywhere[0], "position", f"No room for the {len(anywhere)} sample(s) of the file without "
                                                f"a place: {full}")
    if errors.count or not placed:
        return 0
    cursor.execute(f"CREATE TEMP TABLE {PLACED_TABLE} (row_no integer, box_id bigint, pos_row smallint, "
                   "pos_col smallint) ON COMMIT DROP")
    copy_rows(cursor, PLACED_TABLE, "row_no, box_id, pos_row, pos_col", (copy_line(p) for p in placed))
    cursor.execute(f"""UPDATE {staging} s SET box_id = p.box_id, pos_row = p.pos_row, pos_col = p.pos_col
                       FROM {PLACED_TABLE} p WHERE s.row_no = p.row_no""")  # nosec B608
    cursor.execute(f"DROP TABLE {PLACED_TABLE}")
    return len(placed)
