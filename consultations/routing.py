"""The triggers that keep ``RoutedLine`` (a request's lines routed to another centre) in step.

A line counts there while its centre differs from its request's. Statement-level triggers with
transition tables on the lines (insert, update, delete) add and take away signed counts; a request
moved to another centre has its lines counted again. ``TRUNCATE`` of the lines empties the table.
"""

from __future__ import annotations

from common.db_triggers import add_to, install as _install, remove as _remove, signed_rows

LINES = "consultations_lineitem"
REQUESTS = "consultations_consultationrequest"
ROUTED = "consultations_routedline"
_UPSERT = add_to(ROUTED, "center_id, request_id", ["lines"])


def _lines_changed(delta: str) -> str:
    return f"""
    INSERT INTO {ROUTED} AS t (request_id, center_id, lines)
    SELECT d.request_id, d.center_id, sum(d.s) FROM ({delta}) AS d JOIN {REQUESTS} r ON r.id = d.request_id
    WHERE d.center_id <> r.center_id GROUP BY 1, 2 HAVING sum(d.s) <> 0 {_UPSERT}"""  # nosec B608


# A request moved to another centre: its routed lines are counted again from its lines.
_REQUEST_MOVED = f"""
    WITH moved AS (SELECT n.id, n.center_id FROM new_rows n JOIN old_rows o ON o.id = n.id
                   WHERE o.center_id <> n.center_id),
    forgotten AS (DELETE FROM {ROUTED} WHERE request_id IN (SELECT id FROM moved))
    INSERT INTO {ROUTED} (request_id, center_id, lines)
    SELECT l.request_id, l.center_id, count(*) FROM {LINES} l JOIN moved m ON m.id = l.request_id
    WHERE l.center_id <> m.center_id GROUP BY 1, 2"""  # nosec B608


def _triggers() -> list[tuple[str, str, str, str]]:
    found = [(f"consult_routed_lines_{op}", LINES, op, _lines_changed(delta))
             for op, delta in signed_rows("request_id, center_id").items()]
    found.append(("consult_routed_request_moved", REQUESTS, "update", _REQUEST_MOVED))
    found.append(("consult_routed_lines_truncate", LINES, "truncate", f"DELETE FROM {ROUTED}"))  # nosec B608
    return found


def install() -> list[str]:
    return _install(_triggers())


def count_all() -> list[str]:
    return [f"DELETE FROM {ROUTED}",  # nosec B608
            f"""INSERT INTO {ROUTED} (request_id, center_id, lines)
                SELECT l.request_id, l.center_id, count(*) FROM {LINES} l JOIN {REQUESTS} r ON r.id = l.request_id
                WHERE l.center_id <> r.center_id GROUP BY 1, 2"""]  # nosec B608


def remove() -> list[str]:
    return _remove(_triggers())
