"""Helpers shared by the per-app scale seeders (``<app>/scale.py``, run by ``manage.py seed_scale``)."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterable

BATCH = 10_000


def scaled(size: int, factor: float, minimum: int = 1) -> int:
    """``size`` at ``factor`` (1 = production scale), never below ``minimum``."""
    return max(minimum, round(size * factor))


_NEEDS_ESCAPE = re.compile(r"[\\\t\n\r]")


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def copy_line(values: Iterable) -> str:
    """One line of PostgreSQL's COPY text format (None is NULL)."""
    texts = [None if v is None else ("t" if v else "f") if v is True or v is False else str(v) for v in values]
    if _NEEDS_ESCAPE.search("".join([text for text in texts if text])):  # rare, so looked for once per line
        texts = [text and _escaped(text) for text in texts]
    return "\t".join(["\\N" if text is None else text for text in texts]) + "\n"


def copy_rows(cursor, table: str, columns: str, lines: Iterable[str]) -> int:
    """COPY ``lines`` (from :func:`copy_line`) into ``table`` in batches; returns the row count."""
    buffer, count = io.StringIO(), 0
    for count, line in enumerate(lines, start=1):
        buffer.write(line)
        if count % BATCH == 0:
            buffer.seek(0)
            cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", buffer)
            buffer = io.StringIO()
    if buffer.tell():
        buffer.seek(0)
        cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", buffer)
    return count


def with_defaults(model, columns: str) -> tuple[str, list]:
    """``columns`` plus every other column of ``model`` that has a default, and those defaults:
    a seeder's COPY keeps working when a field with a default is added to the model."""
    given = {name.strip().strip('"') for name in columns.split(",")}
    extra, values = [], []
    for field in model._meta.concrete_fields:
        if field.column in given or field.primary_key or getattr(field, "generated", False) or not field.has_default():
            continue
        extra.append(f'"{field.column}"')
        default = field.get_default()
        values.append(json.dumps(default) if isinstance(default, (dict, list)) else default)
    return ", ".join([columns, *extra]), values


def settle(*tables: str) -> None:
    """What autovacuum does to freshly loaded tables on a live database: their statistics and, outside
    a transaction, their visibility map (so that index-only scans need no heap). Inside a transaction
    (a test's), only ANALYZE can run."""
    from django.db import connection

    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {table}" if connection.in_atomic_block else f"VACUUM ANALYZE {table}")
