"""What an import reports: the errors row by row (the first ``MAX_REPORTED_ERRORS``) and the totals."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

MAX_REPORTED_ERRORS = 1_000


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
        if len(self.items) < limit():
            self.items.append(RowError(row, column, message))

    def merge(self, errors: Iterable[RowError], total: int) -> None:
        self.items.extend(errors)
        self.count += total

    def report(self) -> list[RowError]:
        return sorted(self.items, key=lambda e: (e.row, e.column))[:limit()]



def limit() -> int:
    """Read when used, so that a test can lower it."""
    return MAX_REPORTED_ERRORS
