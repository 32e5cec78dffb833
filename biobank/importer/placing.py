"""Where imported samples go: the position the file gives, or the next free ones in order.

A row names a freezer, a shelf or rack and a box that exist in the storage tree, and a position
in that box; or the box only (its next free position); or no place at all (the next free
position in the storage tree, boxes in order). Samples that arrive depleted or destroyed need
no place. Free positions are handed out after the whole file is read, so that no row is given a
position another row of the file asks for.
"""

from __future__ import annotations

from ..models import Sample, StorageContainer
from .cells import RowProblem, _text
from .report import _Errors

PLACE_COLUMNS = ("freezer", "rack", "box", "position")
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


# Positions taken: by a stored sample, or by a stored row of the file (given, or handed out already).
_TAKEN = """NOT EXISTS (SELECT 1 FROM biobank_sample s WHERE s.box_id = b.id AND s.pos_row = r AND s.pos_col = c
                              AND s.status IN {stored})
            AND NOT EXISTS (SELECT 1 FROM {staging} t WHERE t.box_id = b.id AND t.pos_row = r AND t.pos_col = c
                            AND t.status IN {stored})"""
# Every box in the order staff fill them (storage.selectors.boxes_in_order) with its free positions.
_BOXES = """WITH used AS (SELECT box_id, count(*) AS n FROM biobank_sample WHERE box_id IS NOT NULL
                           AND status IN {stored} GROUP BY box_id),
    claimed AS (SELECT box_id, count(*) AS n FROM {staging} WHERE pos_row IS NOT NULL AND status IN {stored}
                GROUP BY box_id),
    boxes AS (SELECT b.id, b.rows, b.columns,
                     greatest(coalesce(b.rows * b.columns, 0) - coalesce(u.n, 0) - coalesce(c.n, 0), 0) AS free,
                     row_number() OVER (ORDER BY f.name, r.name, b.name, b.id) AS box_order
              FROM biobank_storagecontainer b LEFT JOIN biobank_storagecontainer r ON r.id = b.parent_id
              LEFT JOIN biobank_storagecontainer f ON f.id = r.parent_id
              LEFT JOIN used u ON u.box_id = b.id LEFT JOIN claimed c ON c.box_id = b.id WHERE b.kind = 'box')"""


def allocate(cursor, staging: str, errors: _Errors) -> int:
    """Give every stored sample of the file without a position the next free one; returns how many.

    Within the box a row names, else anywhere in the storage tree (boxes in order, row by row).
    Positions the file gives are never handed out. Rows that find no room are reported. Done in
    SQL, so that a file of any size is placed in the same memory."""
    stored = _STORED
    cursor.execute(f"""SELECT box_id, count(*), min(row_no) FROM {staging}
                       WHERE pos_row IS NULL AND status IN {stored} GROUP BY box_id""")  # nosec B608
    needs = {box_id: (count, first_row) for box_id, count, first_row in cursor.fetchall()}
    if not needs:
        return 0
    cursor.execute(_BOXES.format(stored=stored, staging=staging) + " SELECT id, free FROM boxes")  # nosec B608
    free = dict(cursor.fetchall())
    named = {box_id: need for box_id, need in needs.items() if box_id is not None}
    short = {box_id: need for box_id, need in named.items() if free.get(box_id, 0) < need[0]}
    if short:
        paths = {box.pk: box.path for box in StorageContainer.objects.filter(pk__in=short)
                 .select_related("parent__parent")}
        for box_id, (count, first_row) in sorted(short.items(), key=lambda item: item[1][1]):
            errors.add(first_row, "box", f"No room for the {count} sample(s) of the file without a position: box "
                                         f"{paths[box_id]} has {free.get(box_id, 0)} free position(s) for {count} "
                                         "sample(s): add a box or free space.")
    anywhere, first_anywhere = needs.get(None, (0, None))
    room = sum(free.values()) - sum(count for count, _ in named.values())
    if anywhere and room < anywhere:
        errors.add(first_anywhere, "position", f"No room for the {anywhere} sample(s) of the file without a place: "
                                               f"the storage tree has {max(room, 0)} free position(s) for {anywhere} "
                                               "sample(s): add a box or free space.")
    if errors.count:
        return 0
    taken = _TAKEN.format(stored=stored, staging=staging)
    if named:  # each named box's free positions, row by row, to its rows in file order
        cursor.execute(f"""
            WITH need AS (SELECT row_no, box_id, row_number() OVER (PARTITION BY box_id ORDER BY row_no) AS n
                          FROM {staging} WHERE pos_row IS NULL AND box_id IS NOT NULL AND status IN {stored}),
            slots AS (SELECT b.id AS box_id, r, c, row_number() OVER (PARTITION BY b.id ORDER BY r, c) AS n
                      FROM biobank_storagecontainer b CROSS JOIN LATERAL generate_series(1, b.rows) AS r
                      CROSS JOIN LATERAL generate_series(1, b.columns) AS c
                      WHERE b.id IN (SELECT DISTINCT box_id FROM need) AND {taken})
            UPDATE {staging} st SET pos_row = slots.r, pos_col = slots.c FROM need JOIN slots USING (box_id, n)
            WHERE st.row_no = need.row_no""")  # nosec B608
    if anywhere:  # then the boxes in order, as many as it takes
        cursor.execute(_BOXES.format(stored=stored, staging=staging) + f""",
            chosen AS (SELECT * FROM (SELECT *, sum(free) OVER (ORDER BY box_order) - free AS before FROM boxes) o
                       WHERE free > 0 AND before < %s),
            slots AS (SELECT b.id AS box_id, r, c, row_number() OVER (ORDER BY b.box_order, r, c) AS n
                      FROM chosen b CROSS JOIN LATERAL generate_series(1, b.rows) AS r
                      CROSS JOIN LATERAL generate_series(1, b.columns) AS c WHERE {taken}),
            need AS (SELECT row_no, row_number() OVER (ORDER BY row_no) AS n FROM {staging}
                     WHERE pos_row IS NULL AND box_id IS NULL AND status IN {stored})
            UPDATE {staging} st SET box_id = slots.box_id, pos_row = slots.r, pos_col = slots.c
            FROM need JOIN slots USING (n) WHERE st.row_no = need.row_no""", [anywhere])  # nosec B608
    return sum(count for count, _ in needs.values())
