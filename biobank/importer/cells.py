"""Cell parsers: each returns the value or raises ``RowProblem`` with a message a person can act on.

No message repeats an MRN."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone

from ..models import BIOBANK_ID_PATTERN, Sample, SampleType, Sex, Unit

TRUE_WORDS = {"yes", "y", "true", "t", "1"}
FALSE_WORDS = {"no", "n", "false", "f", "0"}


class RowProblem(Exception):
    def __init__(self, column: str, message: str):
        super().__init__(message)
        self.column, self.message = column, message



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
