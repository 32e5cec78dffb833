"""Helpers shared by the per-app scale seeders (``<app>/scale.py``, run by ``manage.py seed_scale``)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterable

BATCH = 10_000


def scaled(size: int, factor: float, minimum: int = 1) -> int:
    """``size`` at ``factor`` (1 = production scale), never below ``minimum``."""
    return max(minimum, round(size * factor))


def copy_line(values: Iterable) -> str:
    """One line of PostgreSQL's COPY text format (None is NULL)."""
    out = []
    for value in values:
        if value is None:
            out.append("\\N")
        elif isinstance(value, bool):
            out.append("t" if value else "f")
        else:
            text = str(value)
            out.append(text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r"))
    return "\t".join(out) + "\n"


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
