"""Human-readable references such as ``DCR-2026-00042``: unique, and without gaps.

Every prefix (DCR consultation requests, BBS and BBC biobank requests, PI partnership
inquiries) counts per year in one row of the table ``reference_counter`` (created by this
package's migration; the kernel has no models). The row is incremented with an upsert, which
locks it until the caller's transaction ends: two submissions of one prefix queue behind one
another for the few milliseconds their transactions last, and a submission that rolls back
gives its number back. So a number missing from a series is a record missing, which is what an
auditor reading the series expects (README, "References").
"""

from __future__ import annotations

import re

from django.db import connection
from django.utils import timezone

TABLE = "reference_counter"
_PREFIX = re.compile(r"^[A-Z]{2,6}$")


def next_reference(prefix: str, *, year: int | None = None, width: int = 5) -> str:
    """The next reference of ``prefix`` in ``year`` (this year by default), e.g. ``PI-2026-00007``.

    Must run inside the transaction that creates the record, so that the number and the record
    are written, or given back, together.
    """
    if not _PREFIX.match(prefix):
        raise ValueError("a reference prefix is 2-6 capital letters")
    if not connection.in_atomic_block:
        raise RuntimeError("next_reference must run inside the transaction that creates the record")
    year = year or timezone.localdate().year
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} (prefix, year, last_number) VALUES (%s, %s, 1) "  # nosec B608: TABLE is a module constant
            f"ON CONFLICT (prefix, year) DO UPDATE SET last_number = {TABLE}.last_number + 1 RETURNING last_number",
            [prefix, year],
        )
        number = cursor.fetchone()[0]
    return f"{prefix}-{year}-{number:0{width}d}"
