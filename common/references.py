"""Human-readable references such as ``DCR-2026-00042``, unique under concurrent submissions.

Each prefix and year has its own PostgreSQL sequence: ``nextval`` never hands the same number
to two transactions, without a lock held for the rest of the transaction. A rolled-back
submission leaves a gap, which is harmless for a reference.
"""

from __future__ import annotations

import re

from django.db import IntegrityError, ProgrammingError, connection, transaction
from django.utils import timezone

_PREFIX = re.compile(r"^[A-Z]{2,6}$")


def next_reference(prefix: str, *, year: int | None = None, width: int = 5) -> str:
    if not _PREFIX.match(prefix):
        raise ValueError("a reference prefix is 2-6 capital letters")
    year = year or timezone.localdate().year
    sequence = f"reference_{prefix.lower()}_{year}"
    with connection.cursor() as cursor:
        try:
            # Two first-of-the-year submissions may race to create the sequence; the loser
            # gets a unique violation on the catalogue and simply uses the winner's.
            with transaction.atomic():
                cursor.execute(f"CREATE SEQUENCE IF NOT EXISTS {sequence}")
        except (IntegrityError, ProgrammingError):
            pass
        cursor.execute("SELECT nextval(%s)", [sequence])
        number = cursor.fetchone()[0]
    return f"{prefix}-{year}-{number:0{width}d}"
