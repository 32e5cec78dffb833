"""What each kind of file holds: its columns, how a row is read, and the checks over the whole file."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from .. import crypto
from ..models import BARCODE_PATTERN, EARLIEST_BIRTH_YEAR, ImportJob, Participant, Sample
from .cells import (
    SAMPLE_STATUSES,
    SAMPLE_TYPE_NAMES,
    SAMPLE_TYPES,
    SEXES,
    UNIT_NAMES,
    UNITS,
    RowProblem,
    _biobank_id,
    _boolean,
    _choice,
    _Clock,
    _date,
    _datetime,
    _text,
)
from .answers import ANSWER_COLUMNS, read_answers
from .answers import STAGING_COLUMNS as ANSWER_STAGING_COLUMNS
from .answers import answers_sql
from .placing import PLACE_COLUMNS, Places, allocate
from .report import MAX_REPORTED_ERRORS

STAGING = "biobank_import_staging"
IMPORTABLE_SAMPLE_STATUSES = (Sample.Status.AVAILABLE, Sample.Status.DEPLETED, Sample.Status.DESTROYED)


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
    # Per import: a parser that reads the database once first (e.g. the storage tree), and what
    # runs once every row is staged (e.g. handing out free positions).
    start: Callable[[], Callable[[dict, _Clock], tuple]] | None = None
    finish: Callable | None = None
    after_write_sql: str = ""  # written in the same transaction, after the rows (e.g. consent answers)


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
            genotyped, platform, _text(row, "genotyping_batch", required=False), *read_answers(row))


def _parse_sample(row: dict, clock: _Clock, places: Places) -> tuple:
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
    status = Sample.Status.AVAILABLE
    if (row.get("status") or "").strip():
        status = _choice(row, "status", SAMPLE_STATUSES, "available, depleted, destroyed")
        if status not in IMPORTABLE_SAMPLE_STATUSES:
            raise RowProblem("status", "An imported sample is available, depleted or destroyed; reservations "
                                       "and distributions are made from requests.")
    return (barcode, biobank_id, sample_type, collected_at, quantity, unit, *places.read(row), status)


def _sample_parser() -> Callable[[dict, _Clock], tuple]:
    places = Places()
    return lambda row, clock: _parse_sample(row, clock, places)


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
    optional=("consent_date", "consent_version", "genotyping_platform", "genotyping_batch", *ANSWER_COLUMNS),
    staging_columns=f"""row_no integer, biobank_id text, mrn_encrypted text, mrn_hash text, sex text,
        birth_year integer, consent_research boolean, consent_recontact boolean, consent_date date,
        consent_version text, genotyped boolean, genotyping_platform text, genotyping_batch text,
        {ANSWER_STAGING_COLUMNS}""",
    after_write_sql=answers_sql(STAGING),
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
    required=("barcode", "biobank_id", "sample_type", "collected_at", "quantity", "unit"),
    optional=(*PLACE_COLUMNS, "status"),
    staging_columns="""row_no integer, barcode text, biobank_id text, sample_type text, collected_at timestamptz,
        quantity numeric(10, 3), unit text, box_id bigint, pos_row smallint, pos_col smallint, place text,
        status text""",
    parse=None,
    start=_sample_parser,
    finish=lambda cursor, errors: allocate(cursor, STAGING, errors),
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
        _duplicate_check("position", "box_id, pos_row, pos_col",
                         lambda r: f"Position {r[1]} is given to another sample of the file (row {r[2]}).",
                         constraint="sample_one_per_position", shown="place",
                         where=f"status IN {_IN_STORAGE} AND pos_row IS NOT NULL"),
        Check("position", f"""SELECT s.row_no, s.place, b.barcode, count(*) OVER () FROM {STAGING} s
              JOIN biobank_sample b ON (b.box_id, b.pos_row, b.pos_col) = (s.box_id, s.pos_row, s.pos_col)
              WHERE b.status IN {_IN_STORAGE} AND s.status IN {_IN_STORAGE}
              ORDER BY s.row_no LIMIT {MAX_REPORTED_ERRORS}""",  # nosec B608
              lambda r: f"Position {r[1]} is taken by sample {r[2]}.", "sample_one_per_position"),
    ),
    insert_sql=f"""INSERT INTO biobank_sample (barcode, participant_id, sample_type, collected_at, quantity, unit,
            box_id, pos_row, pos_col, status, reserved_for_id, parent_id, derived_as, created_at, updated_at)
        SELECT s.barcode, p.id, s.sample_type, s.collected_at, s.quantity, s.unit, s.box_id, s.pos_row, s.pos_col,
            s.status, NULL, NULL, '', now(), now()
        FROM {STAGING} s JOIN biobank_participant p ON p.biobank_id = s.biobank_id ORDER BY s.row_no""",  # nosec B608
)

SPECS = {spec.kind: spec for spec in (PARTICIPANTS, SAMPLES)}


NOT_UTF8 = "The file is not UTF-8 text: save it as \"CSV UTF-8\" and try again."
SEMICOLONS = ("The columns are separated by semicolons (;), not commas: save the file as \"CSV UTF-8 "
              "(comma delimited)\" and try again.")
UNKNOWN_HEADER = ("The first line must name the columns (barcode, biobank_id, ... for samples; "
                  "biobank_id, mrn, ... for participants).")


class UnknownKind(Exception):
    """What a file holds cannot be told from its first line; the message says why."""


def detect_kind(header: Iterable[str]) -> str | None:
    names = {_column_name(name) for name in header}
    if "barcode" in names:
        return ImportJob.Kind.SAMPLES
    if "mrn" in names:
        return ImportJob.Kind.PARTICIPANTS
    return None


def separated_by_semicolons(header: list[str]) -> bool:
    """A header read as one column that names known columns once split at semicolons."""
    if len(header) != 1 or ";" not in header[0]:
        return False
    names = {_column_name(name) for name in header[0].split(";")}
    known = {c for spec in SPECS.values() for c in spec.required + spec.optional}
    return len(names & known) >= 2


def header_problem(header: list[str]) -> str:
    """Why a first line names no known kind of file, in words a person can act on."""
    if separated_by_semicolons(header):
        return SEMICOLONS
    return UNKNOWN_HEADER + " Is the file comma-separated?"


def sniff_kind(binary) -> str:
    """The kind of file from its first line only (the rest may be any size); rewinds the file.

    Raises ``UnknownKind`` for a first line that is not UTF-8, or names no known columns."""
    first = binary.readline()
    binary.seek(0)
    try:
        text = first.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnknownKind(NOT_UTF8) from None
    try:
        header = next(csv.reader([text]), [])
    except csv.Error:
        header = []
    kind = detect_kind(header)
    if kind is None:
        if separated_by_semicolons(header):
            raise UnknownKind(SEMICOLONS)
        raise UnknownKind("Cannot tell what the file holds from its first line: give --kind. " + UNKNOWN_HEADER)
    return kind


def _column_name(name: str) -> str:
    return re.sub(r"[\s-]+", "_", (name or "").strip().lower())
