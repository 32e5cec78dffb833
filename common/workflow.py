"""Workflows: one table of allowed moves per status field, one error for a refused move.

Every workflow of the portal (consultation requests, study inquiries, partnership inquiries,
biobank requests) keeps its table beside its ``Status`` choices in ``models.py``::

    class Status(models.TextChoices): ...

    MOVES = MoveTable(Status, {
        Status.NEW: {Status.IN_REVIEW, Status.CLOSED},
        Status.CLOSED: set(),
    })

and its one status function in ``services.py`` calls ``MOVES.check(current, new, refusal=...)``
inside the transaction that locks the row, writes history and queues the emails.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping

from django.core.exceptions import ImproperlyConfigured, ValidationError


class InvalidTransition(ValidationError):
    """A status move that a workflow's table (or one of its conditions) refuses.

    Its message is written for the person who tried the move.
    """


class MoveTable(Mapping[str, frozenset]):
    """Where a record may go from each status; a status with no move out is closed."""

    def __init__(self, choices, table: Mapping[str, Iterable[str]]):
        self.choices = choices
        self._table = {str(status): frozenset(str(to) for to in targets) for status, targets in table.items()}
        known = set(choices.values)
        unknown = (set(self._table) | {to for targets in self._table.values() for to in targets}) - known
        missing = known - set(self._table)
        if unknown or missing:
            raise ImproperlyConfigured(
                f"Move table of {choices.__name__}: unknown {sorted(unknown)}, missing {sorted(missing)}")

    def __getitem__(self, status: str) -> frozenset:
        return self._table[status]

    def __iter__(self) -> Iterator[str]:
        return iter(self._table)

    def __len__(self) -> int:
        return len(self._table)

    @property
    def closed(self) -> frozenset:
        """Statuses with no move out."""
        return frozenset(status for status, targets in self._table.items() if not targets)

    @property
    def open(self) -> frozenset:
        return frozenset(self._table) - self.closed

    def allowed(self, status: str) -> list[str]:
        """The statuses ``status`` may move to, in the order of the choices."""
        targets = self._table.get(status, frozenset())
        return [value for value in self.choices.values if value in targets]

    def label(self, status: str) -> str:
        """The status's label in lower case, for messages (the value itself if unknown)."""
        return str(dict(self.choices.choices).get(status, status)).lower()

    def check(self, current: str, new: str, *, refusal: str | Callable[[], str] | None = None) -> None:
        """Raise ``InvalidTransition`` unless the table allows ``current`` -> ``new``.

        ``refusal`` is the message (or a function that writes it) for a move the table refuses;
        a value that is no status at all is refused with a message of its own.
        """
        if new not in self._table:
            raise InvalidTransition(f"“{new}” is not a status here.", code="unknown_status")
        if new in self._table.get(current, frozenset()):
            return
        if callable(refusal):
            refusal = refusal()
        raise InvalidTransition(
            refusal or f"A record that is {self.label(current)} cannot become {self.label(new)}.",
            code="invalid_transition")
