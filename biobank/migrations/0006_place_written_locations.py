"""Today's written places (freezer, rack, box, position as text) become boxes and positions.

Every distinct freezer becomes a freezer, every rack in it a rack, every box on that a box of
at least 9 x 9 positions (larger when a position needs it), lettered when its positions are
written "A1", numbered otherwise. A sample whose place cannot become a position (no text, text
that is no position, or a position another stored sample already took under another spelling,
e.g. "A1" and "A01") keeps its written place in a placement conflict, listed in the staff desk,
and no position: no sample is lost and nothing is merged. Samples that left the freezer keep
their last position as a record; only stored samples hold theirs.

Raw SQL over the columns as they are at this point of the history, so the models' later shape
does not matter. Prints what it did.
"""

import io
from collections import defaultdict

from django.db import migrations

from common.scale import copy_line

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
IN_STORAGE = ("available", "reserved", "withdrawn")
SIDE = 9


def _position_text():
    # The portal's parser of written positions: a plain class, no model state.
    from biobank.models.storage import PositionText

    return PositionText


def place(apps, schema_editor):
    PositionText = _position_text()
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, freezer, rack, box, position, status, barcode FROM biobank_sample ORDER BY id")
        rows = cursor.fetchall()
        if not rows:
            return
        boxes = defaultdict(list)  # (freezer, rack, box) -> [(id, parsed, written, status)]
        conflicts = []  # (id, freezer, rack, box, position, reason)
        for sample_id, freezer, rack, box, position, status, barcode in rows:
            written = tuple((v or "").strip() for v in (freezer, rack, box))
            parsed = PositionText.readings(position or "")
            if not all(written):
                conflicts.append((sample_id, freezer, rack, box, position, "No freezer, rack or box was written."))
            elif not parsed or min(p.number if p.is_number else min(p.row, p.column) for p in parsed) < 1:
                conflicts.append((sample_id, freezer, rack, box, position,
                                  f"The position \"{(position or '')[:20]}\" is not a position of a box."))
            else:
                boxes[written].append((sample_id, parsed, (freezer, rack, box, position), (status, barcode)))

        placed = []  # (id, box key, row, column)
        grids = {}
        for key, written_samples in boxes.items():
            # "P1" ... "P81" all through a box is positions 1 to 81 ("P" for position), not row P.
            numbered = all(p[-1].is_number and written[3].strip().upper().startswith("P")
                           for _, p, written, _ in written_samples)
            samples = [(sample_id, p[-1] if numbered else p[0], written, extra)
                       for sample_id, p, written, extra in written_samples]
            lettered = not any(p.number is not None for _, p, _, _ in samples)
            columns = max([SIDE] + [p.column for _, p, _, _ in samples if p.number is None and p.column <= 30])
            taken = {}
            box_rows = SIDE
            kept = []
            for sample_id, parsed, written, (status, barcode) in samples:
                row, column = parsed.in_box(columns)
                if column > 30 or row > (len(LETTERS) if lettered else 99):
                    conflicts.append((sample_id, *written, f"The position \"{written[3][:20]}\" is beyond the "
                                                           "largest box the storage map holds."))
                    continue
                if status in IN_STORAGE:
                    holder = taken.get((row, column))
                    if holder is not None:
                        conflicts.append((sample_id, *written, f"Stored sample {holder[1]} has this position "
                                                               f"(written \"{holder[0][:20]}\")."))
                        continue
                    taken[(row, column)] = (written[3], barcode)
                box_rows = max(box_rows, row)
                kept.append((sample_id, row, column))
            grids[key] = (box_rows, columns, "letter_number" if lettered else "numbers")
            placed += [(sample_id, key, row, column) for sample_id, row, column in kept]

        container_ids = {}

        def container(name, kind, parent, grid=None):
            key = (parent, name)
            if key not in container_ids:
                rows_, columns_, labelling = grid or (None, None, "letter_number")
                cursor.execute(
                    "INSERT INTO biobank_storagecontainer (name, kind, parent_id, rows, columns, labelling, created_at)"
                    " VALUES (%s, %s, %s, %s, %s, %s, now()) RETURNING id",
                    [name, kind, parent, rows_, columns_, labelling])
                container_ids[key] = cursor.fetchone()[0]
            return container_ids[key]

        box_ids = {}
        for key in sorted(grids):
            freezer, rack, box = key
            freezer_id = container(freezer[:20], "freezer", None)
            rack_id = container(rack[:20], "rack", freezer_id)
            box_ids[key] = container(box[:20], "box", rack_id, grids[key])

        cursor.execute("CREATE TEMP TABLE legacy_placed (id bigint, box_id bigint, pos_row int, pos_col int) "
                       "ON COMMIT DROP")
        buffer = io.StringIO("".join(copy_line((sample_id, box_ids[key], row, column))
                                     for sample_id, key, row, column in placed))
        cursor.copy_expert("COPY legacy_placed FROM STDIN", buffer)
        cursor.execute("UPDATE biobank_sample s SET storage_box_id = p.box_id, pos_row = p.pos_row, "
                       "pos_col = p.pos_col FROM legacy_placed p WHERE s.id = p.id")
        cursor.execute("DROP TABLE legacy_placed")
        for sample_id, freezer, rack, box, position, reason in conflicts:
            cursor.execute(
                "INSERT INTO biobank_placementconflict (sample_id, freezer, rack, box, position, reason, found_at) "
                "VALUES (%s, %s, %s, %s, %s, %s, now())",
                [sample_id, (freezer or "")[:20], (rack or "")[:20], (box or "")[:20], (position or "")[:20],
                 reason[:200]])
    print(f"\n  Storage map: {len(placed):,} of {len(rows):,} samples placed in {len(box_ids):,} boxes; "
          f"{len(conflicts):,} placement conflict(s) to resolve in the staff desk.")


def unplace(apps, schema_editor):
    """Back to written places: from the boxes, or from the conflict that kept them."""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("""
            UPDATE biobank_sample s SET freezer = f.name, rack = r.name, box = b.name,
                position = CASE WHEN b.labelling = 'numbers' THEN ((s.pos_row - 1) * b.columns + s.pos_col)::text
                                ELSE substr(%s, s.pos_row, 1) || s.pos_col::text END
            FROM biobank_storagecontainer b JOIN biobank_storagecontainer r ON r.id = b.parent_id
                 JOIN biobank_storagecontainer f ON f.id = r.parent_id
            WHERE b.id = s.storage_box_id""", [LETTERS])
        cursor.execute("""UPDATE biobank_sample s SET freezer = c.freezer, rack = c.rack, box = c.box,
                          position = c.position FROM biobank_placementconflict c WHERE c.sample_id = s.id""")
        cursor.execute("UPDATE biobank_sample SET storage_box_id = NULL, pos_row = NULL, pos_col = NULL")
        cursor.execute("DELETE FROM biobank_placementconflict")
        cursor.execute("DELETE FROM biobank_historicalstoragecontainer")
        for kind in ("box", "rack", "shelf", "freezer"):
            cursor.execute("DELETE FROM biobank_storagecontainer WHERE kind = %s", [kind])


class Migration(migrations.Migration):
    dependencies = [("biobank", "0005_storage_tree")]

    operations = [migrations.RunPython(place, unplace, elidable=False)]
