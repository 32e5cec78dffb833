"""An import from an open text file: read and stage, check, write; all rows or none."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from typing import IO

from django.db import IntegrityError, connection, transaction

from common.scale import copy_line

from .cells import RowProblem, _Clock
from .report import ImportResult, RowError, _Errors
from .specs import (
    NOT_UTF8,
    SPECS,
    STAGING,
    Check,
    Spec,
    _column_name,
    detect_kind,
    header_problem,
    separated_by_semicolons,
)

BATCH_ROWS = 5_000
IMPORT_LOCK = 0x42696F62  # pg_advisory_xact_lock key of biobank imports

Progress = Callable[[str, int, int], None]  # phase, rows done, rows total


# --- COPY text format --------------------------------------------------------------------

def _flush(cursor, buffer: io.StringIO) -> None:
    if buffer.tell():
        buffer.seek(0)
        cursor.copy_expert(f"COPY {STAGING} FROM STDIN", buffer)
    buffer.seek(0)
    buffer.truncate()


def _write_sql(spec: Spec) -> str:
    """Insert the staged rows and, in the same statement, their history: one row each, type '+' (created)."""
    history_model = spec.model.history.model
    columns = [f.column for f in spec.model._meta.concrete_fields]
    history_columns = {f.column for f in history_model._meta.concrete_fields}
    missing = [c for c in columns if c not in history_columns]
    if missing:
        raise RuntimeError(f"history table of {spec.model.__name__} lacks {missing}")
    listed = ", ".join(columns)
    return f"""WITH written AS ({spec.insert_sql} RETURNING {listed})
        INSERT INTO {history_model._meta.db_table}
            ({listed}, history_date, history_type, history_user_id, history_change_reason)
        SELECT {listed}, now(), '+', %s, %s FROM written"""  # nosec B608


def _run_checks(cursor, checks: Iterable[Check], errors: _Errors, *, analyse: bool = False) -> None:
    if analyse:  # joins of every staged row follow: the planner needs their statistics
        cursor.execute(f"ANALYZE {STAGING}")
    for check in checks:
        cursor.execute(check.sql)
        found = cursor.fetchall()
        if found:
            errors.merge([RowError(r[0], check.column, check.message(r)) for r in found], found[0][3])


# --- The import itself ---------------------------------------------------------------------


def import_csv(text: IO[str], kind: str | None = None, *, user=None, progress: Progress | None = None,
               total_rows: int = 0, file_name: str = "") -> ImportResult:
    """Import a CSV file of participants or samples; all rows or none. See the module docstring."""
    errors = _Errors()
    reader = csv.reader(text)
    try:
        raw_header = next(reader, [])
    except UnicodeDecodeError:
        errors.add(1, "", NOT_UTF8)
        return ImportResult(kind=kind or "", errors=errors.report(), error_count=errors.count)
    except csv.Error:
        raw_header = []
    header = [_column_name(name) for name in raw_header]
    kind = kind or detect_kind(header)
    if kind not in SPECS or separated_by_semicolons(raw_header):
        errors.add(1, "", header_problem(raw_header))
        return ImportResult(kind=kind or "", errors=errors.report(), error_count=errors.count)
    spec = SPECS[kind]
    missing = [c for c in spec.required if c not in header]
    unknown = [c for c in header if c and c not in spec.required + spec.optional]
    if missing:
        errors.add(1, "", f"Missing column(s): {', '.join(missing)}. The first line must name the columns.")
    if unknown:
        errors.add(1, "", f"Unknown column(s): {', '.join(unknown)}. Known columns: "
                          f"{', '.join(spec.required + spec.optional)}.")
    if len(set(header)) != len(header):
        errors.add(1, "", "A column is named twice in the first line.")
    if errors.count:
        return ImportResult(kind=kind, errors=errors.report(), error_count=errors.count)

    result = ImportResult(kind=kind)
    clock = _Clock.read()
    parse = spec.start() if spec.start else spec.parse
    report = progress or (lambda phase, done, total: None)
    with transaction.atomic(), connection.cursor() as cursor:
        # One import at a time: two files checked side by side could each pass and then collide.
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK])
        cursor.execute(f"DROP TABLE IF EXISTS {STAGING}")
        cursor.execute(f"CREATE TEMP TABLE {STAGING} ({spec.staging_columns}) ON COMMIT DROP")
        buffer = io.StringIO()
        rows = 0
        try:
            for row_no, values in enumerate(reader, start=2):
                if not any(value.strip() for value in values):
                    continue
                rows += 1
                if len(values) > len(header):
                    errors.add(row_no, "", f"This row has {len(values)} values but the first line names "
                                           f"{len(header)} columns.")
                    continue
                if any("\x00" in value for value in values):
                    # PostgreSQL text cannot hold NUL; COPY would fail on the whole file.
                    errors.add(row_no, "", "This row holds a NUL character (a byte 0), which is not text. "
                                           "Export the file again as CSV UTF-8.")
                    continue
                try:
                    parsed = parse(dict(zip(header, values)), clock)
                except RowProblem as problem:
                    errors.add(row_no, problem.column, problem.message)
                    continue
                buffer.write(copy_line((row_no, *parsed)))
                if rows % BATCH_ROWS == 0:
                    _flush(cursor, buffer)
                    report("reading", rows, max(total_rows, rows))
        except UnicodeDecodeError:
            errors.add(rows + 2, "", NOT_UTF8)
        except csv.Error as error:
            errors.add(rows + 2, "", f"The file is not valid CSV here ({error}).")
        _flush(cursor, buffer)
        result.rows = rows
        report("reading", rows, rows)
        report("checking", rows, rows)
        if rows == 0 and not errors.count:
            errors.add(2, "", "The file has no rows under the first line.")
        if spec.finish and not errors.count:
            spec.finish(cursor, errors)
        # The checks a unique constraint stands behind run only when they are needed: to list every
        # problem of a file already rejected, or to say why the database refused the rows.
        guarded = [check for check in spec.checks if check.constraint]
        _run_checks(cursor, [check for check in spec.checks if not check.constraint], errors)
        if errors.count:
            _run_checks(cursor, guarded, errors, analyse=True)
        else:
            report("writing", rows, rows)
            reason = f"Imported from {file_name}"[:100] if file_name else "Imported"
            try:
                with transaction.atomic():  # a savepoint: after a refusal the staging table is still there
                    cursor.execute(_write_sql(spec), [getattr(user, "pk", None), reason])
                    written = cursor.rowcount
                    if spec.after_write_sql:
                        cursor.execute(spec.after_write_sql, [getattr(user, "pk", None), reason])
            except IntegrityError:
                _run_checks(cursor, guarded, errors, analyse=True)
                if not errors.count:
                    raise  # a constraint no check explains: a defect, logged by the caller
            else:
                result.imported = written
        if errors.count:
            transaction.set_rollback(True)  # nothing written; the staging table goes with the rollback
        else:
            # The new rows' statistics are left to autovacuum, which analyses a table once a tenth changed.
            cursor.execute(f"DROP TABLE IF EXISTS {STAGING}")
    result.errors, result.error_count = errors.report(), errors.count
    report("done", rows, rows)
    return result
