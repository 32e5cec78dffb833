"""Loading an extract: stream every line into staging tables with COPY, check, then write in SQL.

1. Each line is parsed (orjson) and read by ``fhir``; good resources go into two temporary
   staging tables through COPY buffers of ``BATCH_LINES`` lines, so memory stays flat in the
   extract's size. A bad line is an error naming file, line and resource id.
2. SQL over the staging tables finds references to patients missing from the extract.
3. Without ``skip_bad``, every file with an error is taken out of staging (it loads nothing);
   with it, only the bad lines are.
4. Patients are matched to participants through the MRN blind index; everyone else's
   resources are counted and dropped. A participant whose loaded record comes from a newer
   extract keeps it.
5. In one transaction: new concepts are added, each loaded participant's facts are replaced by
   the extract's, concept counts are refreshed, and the participant's extract date is kept.
"""

from __future__ import annotations

import io
import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO

import orjson
from django.db import connection, transaction

from common.scale import copy_line

from .. import selectors
from . import fhir, files, sql
from .pipe import CopyPipe

BATCH_LINES = 20_000
MAX_REPORTED_ERRORS = 1_000
Progress = Callable[[int, int], None]  # (bytes read, bytes in all)


@dataclass(frozen=True)
class Source:
    name: str
    open: Callable[[], IO[bytes]]  # a fresh binary stream of the file as stored (gzipped when .gz)
    size: int  # bytes as stored, for progress


@dataclass(frozen=True)
class LineError:
    file: str
    line: int
    resource: str
    message: str

    def as_dict(self) -> dict:
        return {"file": self.file, "line": self.line, "resource": self.resource, "message": self.message}

    def __str__(self) -> str:
        where = f"{self.file}, line {self.line}" + (f", {self.resource}" if self.resource else "")
        return f"{where}: {self.message}"


@dataclass
class TypeSummary:
    loaded: int = 0
    skipped: Counter = field(default_factory=Counter)

    def line(self, resource_type: str) -> str:
        skipped = sum(self.skipped.values())
        reasons = ", ".join(f"{n:,} {reason}" for reason, n in self.skipped.most_common())
        return f"{resource_type}: {self.loaded:,} loaded, {skipped:,} skipped" + (f" ({reasons})" if reasons else "")


@dataclass
class LoadResult:
    types: dict[str, TypeSummary] = field(default_factory=lambda: defaultdict(TypeSummary))
    errors: list[LineError] = field(default_factory=list)
    error_count: int = 0
    rejected_files: list[str] = field(default_factory=list)
    lines: int = 0
    facts: int = 0
    participants: int = 0

    def error(self, error: LineError) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append(error)

    def summary_lines(self) -> list[str]:
        order = {name: n for n, name in enumerate(fhir.RESOURCE_TYPES)}
        names = sorted(self.types, key=lambda name: (order.get(name, len(order)), name))
        return [self.types[name].line(name) for name in names]


NULL = "\\N"
_NEEDS_ESCAPE = re.compile(r"[\\\t\n\r]")


def _copy_text(value: str) -> str:
    return copy_line([value])[:-1] if _NEEDS_ESCAPE.search(value) else value


class _Stager:
    """COPY buffers into the staging tables, flushed every BATCH_LINES lines.

    A fact is staged narrow: its concept (domain, system, code, display) as the number it got when
    first seen in the extract, whose text is staged once in the concept staging table."""

    def __init__(self, cursor):
        self.pipe = CopyPipe(cursor)
        self.patients, self.facts, self.concepts = [], [], []
        self.pending = 0
        self.concept_numbers: dict[tuple, int] = {}
        self.next_concept = 0
        self.texts: dict[str, str] = {}  # patient ids and units as COPY text (escaped, rarely)

    def concept(self, key: tuple) -> int:
        if len(self.concept_numbers) >= fhir.MEMO_SIZE:  # a key seen again then gets a second number: harmless
            self.concept_numbers.clear()
        number = self.concept_numbers[key] = self.next_concept
        self.next_concept += 1
        self.concepts.append(copy_line([number, *key]))
        return number

    def text(self, value: str) -> str:
        if len(self.texts) >= fhir.MEMO_SIZE:
            self.texts.clear()
        escaped = self.texts[value] = _copy_text(value)
        return escaped

    def flush(self) -> None:
        for lines, table, columns in ((self.concepts, sql.STAGE_CONCEPT, sql.CONCEPT_COLUMNS),
                                      (self.patients, sql.STAGE_PATIENT, sql.PATIENT_COLUMNS),
                                      (self.facts, sql.STAGE_FACT, sql.FACT_COLUMNS)):
            if lines:
                self.pipe.send(f"COPY {table} ({columns}) FROM STDIN", "".join(lines))
                lines.clear()
        self.pending = 0

    def close(self) -> None:
        self.flush()
        self.pipe.close()


def _stage_file(stager: _Stager, file_no: int, source: Source, result: LoadResult, on_bytes: Callable[[int], None]
                ) -> None:
    """Every line of ``source`` into the staging buffers: the hot loop of a load, so written out by hand."""
    skipped = result.types
    readers, loads, read = fhir.READERS, orjson.loads, fhir.read
    concepts, texts, facts = stager.concept_numbers, stager.texts, stager.facts
    with source.open() as stored, files.open_binary(Path(source.name), stored) as binary:
        for number, raw in enumerate(binary, start=1):
            if not raw.strip():
                continue
            result.lines += 1
            rid, resource = "", None
            try:
                try:
                    resource = loads(raw)
                except orjson.JSONDecodeError:
                    raise fhir.BadResource("the line is not JSON") from None
                if not isinstance(resource, dict):
                    raise fhir.BadResource("the line is not a FHIR resource (a JSON object)")
                kind = resource.get("resourceType")
                if kind.__class__ is not str:  # a list or an object is no type either (and cannot be looked up)
                    kind = ""
                rid = resource.get("id") if isinstance(resource.get("id"), str) else ""
                if kind in readers:
                    try:
                        rid, patient, found = read(resource)
                    except fhir.Skipped as reason:
                        skipped[kind].skipped[str(reason)] += 1
                    else:
                        patient = texts.get(patient) or stager.text(patient)
                        first = "t"
                        for fact in found:
                            key = fact[:4]
                            concept = concepts.get(key)
                            if concept is None:
                                concept = stager.concept(key)
                            _, _, _, _, start, end, value, unit = fact
                            facts.append(f"{file_no}\t{number}\t{first}\t{kind}\t{rid}\t{patient}\t{concept}\t"
                                         f"{start or NULL}\t{end or NULL}\t{NULL if value is None else value}\t"
                                         f"{texts.get(unit) or stager.text(unit) if unit else ''}\n")
                            first = "f"
                elif kind == "Patient":
                    stager.patients.append(copy_line([file_no, number, fhir.resource_id(resource),
                                                      fhir.patient_mrn_digest(resource)]))
                elif kind:
                    skipped[kind[:40]].skipped["not a type the portal loads"] += 1
                else:
                    raise fhir.BadResource("resourceType: the line names no resource type")
            except fhir.BadResource as problem:
                kind = resource.get("resourceType") if isinstance(resource, dict) else None
                label = kind[:40] if isinstance(kind, str) and kind else "(not a resource)"
                result.error(LineError(source.name, number, f"{label}/{rid}" if rid else "", str(problem)))
                skipped[label].skipped["bad lines"] += 1
                continue
            stager.pending += 1
            if stager.pending >= BATCH_LINES:
                stager.flush()
                on_bytes(stored.tell())


def load(sources: list[Source], *, extracted_at: datetime, skip_bad: bool = False,
         progress: Progress | None = None) -> LoadResult:
    """Load ``sources`` (one extract) as of ``extracted_at``. Files with errors load nothing unless ``skip_bad``."""
    result = LoadResult()
    total = sum(s.size for s in sources) or 1
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql.CREATE_STAGING)
        stager = _Stager(cursor)
        done = 0
        try:
            for file_no, source in enumerate(sources):
                errors_before = result.error_count
                _stage_file(stager, file_no, source, result,
                            lambda position: progress and progress(min(done + position, total), total))
                done += source.size
                if progress:
                    progress(done, total)
                if result.error_count > errors_before:
                    result.rejected_files.append(source.name)
            stager.close()
        except BaseException:
            stager.pipe.abandon()
            raise
        cursor.execute(sql.INDEX_STAGING)
        _check_references(cursor, sources, result, skip_bad)
        bad_files = [n for n, s in enumerate(sources) if s.name in result.rejected_files]
        if skip_bad:
            result.rejected_files = []
        elif bad_files:
            _reject(cursor, bad_files, result)
        _write(cursor, extracted_at, result)
    return result


def _check_references(cursor, sources: list[Source], result: LoadResult, skip_bad: bool) -> None:
    """Resources naming a patient the extract does not hold: errors, and their files are bad."""
    cursor.execute(sql.MISSING_PATIENTS, [MAX_REPORTED_ERRORS])
    rows = cursor.fetchall()
    for file_no, line, kind, rid, patient, _total, _files in rows:
        result.error(LineError(sources[file_no].name, line, f"{kind}/{rid}",
                               f"subject: patient {patient[:64]} is not in the extract"))
    if rows:
        result.error_count += rows[0][5] - len(rows)
        for file_no in rows[0][6]:
            if sources[file_no].name not in result.rejected_files:
                result.rejected_files.append(sources[file_no].name)
    if skip_bad:
        cursor.execute(sql.DROP_ORPHANS)
        for kind, lines in cursor.fetchall():
            result.types[kind].skipped["bad lines"] += lines


def _reject(cursor, bad_files: list[int], result: LoadResult) -> None:
    cursor.execute(sql.REJECT_FILES, [bad_files, bad_files])
    for kind, lines in cursor.fetchall():
        result.types[kind].skipped["in a file with errors"] += lines
    cursor.execute(sql.DROP_ORPHANS)
    for kind, lines in cursor.fetchall():
        result.types[kind].skipped["their patient's file has errors"] += lines


def _write(cursor, extracted_at: datetime, result: LoadResult) -> None:
    cursor.execute(sql.MATCH_PATIENTS, [extracted_at])
    cursor.execute(sql.PATIENT_OUTCOMES)
    for outcome, count in cursor.fetchall():
        if outcome == "loaded":
            result.types["Patient"].loaded += count
        else:
            result.types["Patient"].skipped[sql.OUTCOME_REASONS[outcome]] += count
    cursor.execute(sql.FACT_OUTCOMES)
    for kind, outcome, count in cursor.fetchall():
        if outcome == "loaded":
            result.types[kind].loaded += count
        else:
            result.types[kind].skipped[sql.OUTCOME_REASONS[outcome]] += count
    for statement in sql.WRITE:
        cursor.execute(statement, {"extracted_at": extracted_at})
    selectors.concepts_changed()  # the dictionary's names and counts
    cursor.execute(sql.LOADED_TOTALS)
    result.participants, result.facts = cursor.fetchone()
