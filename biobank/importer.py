"""CSV import of participants and samples: streamed, checked row by row, all or nothing.

How it works, for files of 100,000 rows and more:

1. The file is read one row at a time. Each row is checked on its own (columns, types, dates,
   known sample types) and, if good, written to a COPY buffer; every ``BATCH_ROWS`` rows the
   buffer is copied into a temporary staging table. Memory stays flat in the file's size:
   only one batch and the first ``MAX_REPORTED_ERRORS`` errors are held.
2. Checks that need the whole file or the database (duplicates within the file, barcodes,
   ids or MRNs already recorded, positions taken, unknown or withdrawn participants) run as
   SQL over the staging table and return the offending row numbers.
   Checks that a unique constraint stands behind (barcodes, positions, ids, MRNs) run only
   when needed: the write below is refused by the constraint, and the checks then say which
   rows and why (or they complete the list of a file already rejected).
3. Any error: the transaction is rolled back and nothing is written. No error: one statement
   (``INSERT ... SELECT ... RETURNING`` feeding the history table) writes the rows and their
   history, in the same transaction.

MRNs are encrypted (and their blind index computed) while reading; no error message repeats
an MRN.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import IO

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from common.scale import copy_line

from . import crypto
from .models import (
    BARCODE_PATTERN,
    BIOBANK_ID_PATTERN,
    EARLIEST_BIRTH_YEAR,
    ImportJob,
    Participant,
    Sample,
    SampleType,
    Sex,
    Unit,
)

logger = logging.getLogger(__name__)

BATCH_ROWS = 5_000
MAX_REPORTED_ERRORS = 1_000
STAGING = "biobank_import_staging"
IMPORT_LOCK = 0x42696F62  # pg_advisory_xact_lock key of biobank imports
# A job still "running" after this long lost its worker (100,000 rows take well under a minute).
LOST_AFTER = timedelta(minutes=30)

Progress = Callable[[str, int, int], None]  # phase, rows done, rows total

TRUE_WORDS = {"yes", "y", "true", "t", "1"}
FALSE_WORDS = {"no", "n", "false", "f", "0"}
NOT_UTF8 = "The file is not UTF-8 text: save it as \"CSV UTF-8\" and try again."
IMPORTABLE_SAMPLE_STATUSES = (Sample.Status.AVAILABLE, Sample.Status.DEPLETED, Sample.Status.DESTROYED)


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class ImportResult:
    kind: str
    rows: int = 0
    imported: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0

    @property
    def ok(self) -> bool:
        return self.error_count == 0


class _Errors:
    """The first MAX_REPORTED_ERRORS errors, and how many there were in all."""

    def __init__(self):
        self.items: list[RowError] = []
        self.count = 0

    def add(self, row: int, column: str, message: str) -> None:
        self.count += 1
        if len(self.items) < MAX_REPORTED_ERRORS:
            self.items.append(RowError(row, column, message))

    def merge(self, errors: Iterable[RowError], total: int) -> None:
        self.items.extend(errors)
        self.count += total

    def report(self) -> list[RowError]:
        return sorted(self.items, key=lambda e: (e.row, e.column))[:MAX_REPORTED_ERRORS]


class RowProblem(Exception):
    def __init__(self, column: str, message: str):
        super().__init__(message)
        self.column, self.message = column, message


# --- Cell parsers: return the value or raise RowProblem with a message a person can act on --

def _text(row: dict, column: str, *, required: bool = True, max_length: int = 60) -> str:
    value = (row.get(column) or "").strip()
    if required and not value:
        raise RowProblem(column, f"{column} is empty.")
    if len(value) > max_length:
        raise RowProblem(column, f"{column} is longer than {max_length} characters.")
    return value


def _boolean(row: dict, column: str) -> bool:
    value = (row.get(column) or "").strip().lower()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise RowProblem(column, f"{column} must be yes or no.")


def _table(choices, **words: str) -> dict[str, str]:
    """Accepted spellings (values, labels, a few common words), lower-cased, to the stored value."""
    table = {value.lower(): value for value in choices.values}
    table.update({label.lower(): value for value, label in choices.choices})
    table.update(words)
    return table


SEXES = _table(Sex, female="F", male="M", unknown="U", x="U")
SAMPLE_TYPES = _table(SampleType, **{"whole blood": "whole_blood", "blood": "whole_blood", "buffy coat": "buffy_coat"})
UNITS = _table(Unit, ml="mL", ul="uL", **{"µl": "uL", "µg": "ug"})
SAMPLE_STATUSES = _table(Sample.Status)
SAMPLE_TYPE_NAMES = ", ".join(SampleType.values)
UNIT_NAMES = ", ".join(Unit.values)


def _choice(row: dict, column: str, table: dict[str, str], allowed: str) -> str:
    raw = (row.get(column) or "").strip()
    value = table.get(raw.lower())
    if value is None:
        raise RowProblem(column, f"Unknown {column.replace('_', ' ')} \"{raw[:40]}\": use one of {allowed}.")
    return value


@dataclass(frozen=True)
class _Clock:
    """Read once per import: what "now" and "today" are, and the zone of times without one."""

    now: datetime
    today: date
    zone: object

    @classmethod
    def read(cls) -> _Clock:
        return cls(timezone.now(), timezone.localdate(), timezone.get_current_timezone())


def _date(row: dict, column: str, clock: _Clock, *, required: bool) -> date | None:
    raw = (row.get(column) or "").strip()
    if not raw:
        if required:
            raise RowProblem(column, f"{column} is empty.")
        return None
    try:
        value = date.fromisoformat(raw)
    except ValueError:
        raise RowProblem(column, f"{column} \"{raw[:40]}\" is not a date like 2024-03-31.") from None
    if value > clock.today:
        raise RowProblem(column, f"{column} {raw} is in the future.")
    return value


def _datetime(row: dict, column: str, clock: _Clock) -> datetime:
    raw = (row.get(column) or "").strip()
    if not raw:
        raise RowProblem(column, f"{column} is empty.")
    try:
        value = datetime.fromisoformat(raw) if len(raw) > 10 else datetime.combine(date.fromisoformat(raw),
                                                                                 datetime.min.time())
    except ValueError:
        raise RowProblem(column, f"{column} \"{raw[:40]}\" is not a date like 2024-03-31 "
                                 "or a date and time like 2024-03-31 14:05.") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=clock.zone)
    if value > clock.now:
        raise RowProblem(column, f"{column} {raw} is in the future.")
    return value


def _biobank_id(row: dict, column: str = "biobank_id") -> str:
    value = _text(row, column, max_length=20).upper()
    if not BIOBANK_ID_PATTERN.match(value):
        raise RowProblem(column, f"Biobank id \"{value}\" is not BB followed by 7 digits.")
    return value


# --- What each kind of file holds -----------------------------------------------------------

@dataclass(frozen=True)
class Check:
    """A check over the whole file: SQL returning (row_no, detail, detail, total) per bad row.

    With ``constraint``, the database refuses such rows anyway (that unique constraint): the
    check runs only to explain a refusal, or to list every problem of a file already rejected."""

    column: str
    sql: str
    message: Callable[[tuple], str]
    constraint: str = ""


@dataclass(frozen=True)
class Spec:
    kind: str
    model: type
    required: tuple[str, ...]
    optional: tuple[str, ...]
    staging_columns: str
    parse: Callable[[dict, _Clock], tuple]
    checks: tuple[Check, ...]
    insert_sql: str


def _parse_participant(row: dict, clock: _Clock) -> tuple:
    biobank_id = _biobank_id(row)
    try:
        mrn = crypto.validate_mrn(row.get("mrn") or "")
    except ValidationError:
        raise RowProblem("mrn", f"The MRN is not valid: {crypto.MRN_HELP}") from None
    sex = _choice(row, "sex", SEXES, "F, M, U")
    raw_year = (row.get("birth_year") or "").strip()
    try:
        birth_year = int(raw_year)
    except ValueError:
        raise RowProblem("birth_year", f"birth_year \"{raw_year[:20]}\" is not a year like 1961.") from None
    if birth_year > clock.today.year:
        raise RowProblem("birth_year", f"birth_year {birth_year} is in the future.")
    if birth_year < EARLIEST_BIRTH_YEAR:
        raise RowProblem("birth_year", f"birth_year {birth_year} is before {EARLIEST_BIRTH_YEAR}.")
    consent_research = _boolean(row, "consent_research")
    consent_recontact = _boolean(row, "consent_recontact")
    consent_date = _date(row, "consent_date", clock, required=consent_research or consent_recontact)
    genotyped = _boolean(row, "genotyped")
    platform = _text(row, "genotyping_platform", required=False)
    if genotyped and not platform:
        raise RowProblem("genotyping_platform", "genotyping_platform is needed when genotyped is yes.")
    return (biobank_id, crypto.encrypt_mrn(mrn), crypto.mrn_digest(mrn), sex, birth_year, consent_research,
            consent_recontact, consent_date, _text(row, "consent_version", required=False, max_length=20),
            genotyped, platform, _text(row, "genotyping_batch", required=False))


def _parse_sample(row: dict, clock: _Clock) -> tuple:
    barcode = _text(row, "barcode", max_length=32).upper()
    if not BARCODE_PATTERN.match(barcode):
        raise RowProblem("barcode", f"Barcode \"{barcode}\" is not 3 to 32 letters, digits or dashes.")
    biobank_id = _biobank_id(row)
    sample_type = _choice(row, "sample_type", SAMPLE_TYPES, SAMPLE_TYPE_NAMES)
    collected_at = _datetime(row, "collected_at", clock)
    raw_quantity = (row.get("quantity") or "").strip()
    try:
        quantity = Decimal(raw_quantity)
    except InvalidOperation:
        raise RowProblem("quantity", f"quantity \"{raw_quantity[:20]}\" is not a number like 1.5.") from None
    if not quantity.is_finite() or quantity <= 0 or quantity > 1_000_000:
        raise RowProblem("quantity", f"quantity {raw_quantity} must be more than 0 and at most 1,000,000.")
    if quantity.as_tuple().exponent < -3:
        raise RowProblem("quantity", f"quantity {raw_quantity} has more than 3 decimals.")
    unit = _choice(row, "unit", UNITS, UNIT_NAMES)
    location = [_text(row, column, max_length=20) for column in ("freezer", "rack", "box", "position")]
    status = Sample.Status.AVAILABLE
    if (row.get("status") or "").strip():
        status = _choice(row, "status", SAMPLE_STATUSES, "available, depleted, destroyed")
        if status not in IMPORTABLE_SAMPLE_STATUSES:
            raise RowProblem("status", "An imported sample is available, depleted or destroyed; reservations "
                                       "and distributions are made from requests.")
    return (barcode, biobank_id, sample_type, collected_at, quantity, unit, *location, status)


# The SQL of the checks and inserts is put together from module constants (table and column
# names, the LIMIT of reported errors); values from the file travel only as COPY data or %s
# parameters. That is why these statements carry "nosec B608".
def _duplicate_check(column: str, key: str, message: Callable[[tuple], str], *, constraint: str, shown: str = "",
                     where: str = "TRUE") -> Check:
    """Rows whose ``key`` already appeared on an earlier row of the file."""
    return Check(column, f"""
        SELECT row_no, shown, first_row, count(*) OVER () FROM (
            SELECT row_no, {shown or key} AS shown, min(row_no) OVER (PARTITION BY {key}) AS first_row
            FROM {STAGING} WHERE {where}
        ) q WHERE row_no > first_row ORDER BY row_no LIMIT {MAX_REPORTED_ERRORS}""", message, constraint)  # nosec B608


_IN_STORAGE = "(" + ", ".join(f"'{s}'" for s in Sample.IN_STORAGE) + ")"

PARTICIPANTS = Spec(
    kind=ImportJob.Kind.PARTICIPANTS,
    model=Participant,
    required=("biobank_id", "mrn", "sex", "birth_year", "consent_research", "consent_recontact", "genotyped"),
    optional=("consent_date", "consent_version", "genotyping_platform", "genotyping_batch"),
    staging_columns="""row_no integer, biobank_id text, mrn_encrypted text, mrn_hash text, sex text,
        birth_year integer, consent_research boolean, consent_recontact boolean, consent_date date,
        consent_version text, genotyped boolean, genotyping_platform text, genotyping_batch text""",
    parse=_parse_participant,
    checks=(
        _duplicate_check("biobank_id", "biobank_id",
                         lambda r: f"Biobank id {r[1]} appears more than once in the file (first on row {r[2]}).",
                         constraint="biobank_participant_biobank_id_key"),
        Check("biobank_id", f"""SELECT s.row_no, s.biobank_id, NULL, count(*) OVER () FROM {STAGING} s
              JOIN biobank_participant p ON p.biobank_id = s.biobank_id ORDER BY s.row_no LIMIT {MAX_REPORTED_ERRORS}""",  # nosec B608
              lambda r: f"Participant {r[1]} already exists.", "biobank_participant_biobank_id_key"),
        _duplicate_check("mrn", "mrn_hash",
                         lambda r: f"The same MRN appears more than once in the file (first on row {r[2]}).",
                         constraint="participant_mrn_hash_unique"),
        Check("mrn", f"""SELECT s.row_no, p.biobank_id, NULL, count(*) OVER () FROM {STAGING} s
              JOIN biobank_participant p ON p.mrn_hash = s.mrn_hash ORDER BY s.row_no LIMIT {MAX_REPORTED_ERRORS}""",  # nosec B608
              lambda r: f"This MRN is already recorded, for participant {r[1]}.", "participant_mrn_hash_unique"),
    ),
    insert_sql=f"""INSERT INTO biobank_participant (biobank_id, mrn_encrypted, mrn_hash, sex, birth_year,
            consent_research, consent_recontact, consent_date, consent_version, withdrawn_on, genotyped,
            genotyping_platform, genotyping_batch, created_at, updated_at)
        SELECT biobank_id, mrn_encrypted, mrn_hash, sex, birth_year, consent_research, consent_recontact,
            consent_date, coalesce(consent_version, ''), NULL, genotyped, coalesce(genotyping_platform, ''),
            coalesce(genotyping_batch, ''), now(), now()
        FROM {STAGING} ORDER BY row_no""",  # nosec B608
)

SAMPLES = Spec(
    kind=ImportJob.Kind.SAMPLES,
    model=Sample,
    required=("barcode", "biobank_id", "sample_type", "collected_at", "quantity", "unit", "freezer", "rack", "box",
              "position"),
    optional=("status",),
    staging_columns="""row_no integer, barcode text, biobank_id text, sample_type text, collected_at timestamptz,
        quantity numeric(10, 3), unit text, freezer text, rack text, box text, position text, status text""",
    parse=_parse_sample,
    checks=(
        _duplicate_check("barcode", "barcode",
                         lambda r: f"Barcode {r[1]} appears more than once in the file (first on row {r[2]}).",
                         constraint="sample_barcode_unique"),
        Check("barcode", f"""SELECT s.row_no, s.barcode, NULL, count(*) OVER () FROM {STAGING} s
              JOIN biobank_sample b ON b.barcode = s.barcode ORDER BY s.row_no LIMIT {MAX_REPORTED_ERRORS}""",  # nosec B608
              lambda r: f"A sample with barcode {r[1]} already exists.", "sample_barcode_unique"),
        Check("biobank_id", f"""SELECT s.row_no, s.biobank_id, NULL, count(*) OVER () FROM {STAGING} s
              LEFT JOIN biobank_participant p ON p.biobank_id = s.biobank_id WHERE p.id IS NULL
              ORDER BY s.row_no LIMIT {MAX_REPORTED_ERRORS}""",  # nosec B608
              lambda r: f"No participant has biobank id {r[1]}: import the participant first."),
        Check("biobank_id", f"""SELECT s.row_no, s.biobank_id, NULL, count(*) OVER () FROM {STAGING} s
              JOIN biobank_participant p ON p.biobank_id = s.biobank_id
              WHERE p.withdrawn_on IS NOT NULL AND s.status = 'available'
              ORDER BY s.row_no LIMIT {MAX_REPORTED_ERRORS}""",  # nosec B608
              lambda r: f"Participant {r[1]} has withdrawn: their samples cannot be added as available."),
        _duplicate_check("position", "freezer, rack, box, position",
                         lambda r: f"Position {r[1]} is given to another sample of the file (row {r[2]}).",
                         constraint="sample_one_per_position",
                         shown="freezer || ' / ' || rack || ' / ' || box || ' / ' || position",
                         where=f"status IN {_IN_STORAGE}"),
        Check("position", f"""SELECT s.row_no, s.freezer || ' / ' || s.rack || ' / ' || s.box || ' / ' || s.position,
              b.barcode, count(*) OVER () FROM {STAGING} s
              JOIN biobank_sample b ON (b.freezer, b.rack, b.box, b.position) = (s.freezer, s.rack, s.box, s.position)
              WHERE b.status IN {_IN_STORAGE} AND s.status IN {_IN_STORAGE}
              ORDER BY s.row_no LIMIT {MAX_REPORTED_ERRORS}""",  # nosec B608
              lambda r: f"Position {r[1]} is taken by sample {r[2]}.", "sample_one_per_position"),
    ),
    insert_sql=f"""INSERT INTO biobank_sample (barcode, participant_id, sample_type, collected_at, quantity, unit,
            freezer, rack, box, position, status, reserved_for_id, created_at, updated_at)
        SELECT s.barcode, p.id, s.sample_type, s.collected_at, s.quantity, s.unit, s.freezer, s.rack, s.box,
            s.position, s.status, NULL, now(), now()
        FROM {STAGING} s JOIN biobank_participant p ON p.biobank_id = s.biobank_id ORDER BY s.row_no""",  # nosec B608
)

SPECS = {spec.kind: spec for spec in (PARTICIPANTS, SAMPLES)}


def detect_kind(header: Iterable[str]) -> str | None:
    names = {_column_name(name) for name in header}
    if "barcode" in names:
        return ImportJob.Kind.SAMPLES
    if "mrn" in names:
        return ImportJob.Kind.PARTICIPANTS
    return None


def _column_name(name: str) -> str:
    return re.sub(r"[\s-]+", "_", (name or "").strip().lower())


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
        header = [_column_name(name) for name in next(reader, [])]
    except UnicodeDecodeError:
        errors.add(1, "", NOT_UTF8)
        return ImportResult(kind=kind or "", errors=errors.report(), error_count=errors.count)
    except csv.Error:
        header = []
    kind = kind or detect_kind(header)
    if kind not in SPECS:
        errors.add(1, "", "The first line must name the columns (barcode, biobank_id, ... for samples; "
                          "biobank_id, mrn, ... for participants). Is the file comma-separated?")
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
                    parsed = spec.parse(dict(zip(header, values)), clock)
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
            except IntegrityError:
                _run_checks(cursor, guarded, errors, analyse=True)
                if not errors.count:
                    raise  # a constraint no check explains: a defect, logged by the caller
            else:
                result.imported = cursor.rowcount
        if errors.count:
            transaction.set_rollback(True)  # nothing written; the staging table goes with the rollback
        else:
            # The new rows' statistics are left to autovacuum, which analyses a table once a tenth changed.
            cursor.execute(f"DROP TABLE IF EXISTS {STAGING}")
    result.errors, result.error_count = errors.report(), errors.count
    report("done", rows, rows)
    return result


# --- Jobs: the record of each import, and its progress ------------------------------------

def progress_key(job_id: int) -> str:
    return f"biobank:import:{job_id}:progress"


def job_progress(job: ImportJob) -> dict:
    """Live progress of a running job (from the cache), or its final figures."""
    if job.is_finished:
        return {"phase": "done", "done": job.rows_total, "total": job.rows_total, "percent": 100}
    state = cache.get(progress_key(job.pk)) or {"phase": "waiting", "done": 0, "total": job.rows_total}
    total = state["total"] or job.rows_total or 0
    percent = int(100 * state["done"] / total) if total else 0
    return {**state, "total": total, "percent": min(percent, 100)}


def count_data_rows(binary: IO[bytes]) -> int:
    """Lines under the header, counted fast without parsing (for the progress bar)."""
    lines, last = 0, b"\n"
    for chunk in iter(lambda: binary.read(1 << 20), b""):
        lines += chunk.count(b"\n")
        last = chunk[-1:]
    binary.seek(0)
    if last != b"\n":
        lines += 1
    return max(lines - 1, 0)


def run_job(job: ImportJob, binary: IO[bytes], *, user=None, progress: Progress | None = None) -> ImportResult:
    """Run an import job over an open binary file, keeping the job row and live progress up to date."""
    job.rows_total = count_data_rows(binary)
    job.status, job.started_at = ImportJob.Status.RUNNING, timezone.now()
    job.save(update_fields=["rows_total", "status", "started_at"])

    def report(phase: str, done: int, total: int) -> None:
        cache.set(progress_key(job.pk), {"phase": phase, "done": done, "total": total}, 3600)
        if progress:
            progress(phase, done, total)

    text = io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")
    try:
        result = import_csv(text, job.kind, user=user or job.created_by, progress=report,
                            total_rows=job.rows_total, file_name=job.file_name)
    except Exception:
        logger.exception("biobank import job %s stopped by an unexpected error", job.pk)
        job.status, job.finished_at = ImportJob.Status.FAILED, timezone.now()
        job.errors = [RowError(0, "", "The import stopped on an unexpected error; nothing was imported. "
                                      "The error was logged for the portal's maintainers.").as_dict()]
        job.error_count = 1
        job.save(update_fields=["status", "finished_at", "errors", "error_count"])
        raise
    finally:
        text.detach()
    job.rows_total = result.rows
    job.rows_imported = result.imported
    job.error_count = result.error_count
    job.errors = [e.as_dict() for e in result.errors]
    job.status = ImportJob.Status.IMPORTED if result.ok else ImportJob.Status.REJECTED
    job.finished_at = timezone.now()
    job.save(update_fields=["rows_total", "rows_imported", "error_count", "errors", "status", "finished_at"])
    cache.delete(progress_key(job.pk))
    return result


def run_stored_job(job_id: int) -> ImportJob:
    """Run a job whose file was uploaded to the staff desk, then delete the file (it may hold MRNs)."""
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    # A job left "running" by a worker that died wrote nothing (one transaction), so it may run again.
    lost = (job.status == ImportJob.Status.RUNNING and job.started_at
            and job.started_at < timezone.now() - LOST_AFTER)
    if job.status != ImportJob.Status.QUEUED and not lost:
        return job
    if lost:
        logger.warning("biobank import job %s was left running since %s; running it again", job.pk, job.started_at)
    try:
        with job.upload.open("rb") as binary:
            run_job(job, binary)
    except Exception:
        if job.status != ImportJob.Status.FAILED:  # run_job records its own failures
            logger.exception("biobank import job %s could not read its file", job.pk)
            job.status, job.finished_at, job.error_count = ImportJob.Status.FAILED, timezone.now(), 1
            job.errors = [RowError(0, "", "The uploaded file could not be read; nothing was imported.").as_dict()]
            job.save(update_fields=["status", "finished_at", "errors", "error_count"])
    finally:
        if job.upload:
            job.upload.delete(save=False)
            ImportJob.objects.filter(pk=job.pk).update(upload="")
    return job
