"""A sample's family: its first ancestor and every sample made from it, as a tree."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection

from ..models import Sample


@dataclass
class Node:
    sample: Sample
    children: list[Node] = field(default_factory=list)
    current: bool = False


_TREE = """
WITH RECURSIVE up(id, parent_id) AS (
    SELECT id, parent_id FROM biobank_sample WHERE id = %s
    UNION ALL SELECT s.id, s.parent_id FROM biobank_sample s JOIN up ON s.id = up.parent_id
), root AS (SELECT id FROM up WHERE parent_id IS NULL),
down(id) AS (
    SELECT id FROM root
    UNION ALL SELECT s.id FROM biobank_sample s JOIN down ON s.parent_id = down.id
)
SELECT id FROM down"""


def family_stamp(sample_id: int) -> tuple:
    """(samples in the tree of ``sample_id``, their latest change): moves whenever a sample of the
    tree is written, in bulk too (reservations, shipments), or a sample joins it. One query."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*), max(updated_at) FROM biobank_sample WHERE id IN ({_TREE})",  # nosec B608: constant
                       [sample_id])
        count, latest = cursor.fetchone()
    return count, latest and latest.isoformat()


def family(sample_id: int) -> Node | None:
    """The tree ``sample_id`` belongs to, from its first ancestor: two queries, any depth.

    None for a sample with neither parent nor children."""
    with connection.cursor() as cursor:
        cursor.execute(_TREE, [sample_id])
        ids = [row[0] for row in cursor.fetchall()]
    if len(ids) <= 1:
        return None
    nodes = {s.pk: Node(s, current=s.pk == int(sample_id)) for s in
             Sample.objects.filter(pk__in=ids).select_related("box__parent__parent", "participant").order_by("pk")}
    root = None
    for node in nodes.values():
        if node.sample.parent_id in nodes:
            nodes[node.sample.parent_id].children.append(node)
        else:
            root = node
    return root


def unavailable_reason(root: Node) -> str:
    """Why the whole tree cannot be offered, if it cannot (its donor withdrew)."""
    if root.sample.participant.withdrawn_on:
        return "The donor withdrew: no sample of this tree may be offered."
    return ""
