"""Where samples are kept: freezers, their shelves or racks, and boxes of rows and columns.

A box is a grid; a sample's place is its box and a row and column in it (on ``Sample``), one
sample per position (a unique constraint). Labels are a box's own: "A1" (rows lettered,
columns numbered) or "1" to "81" (positions numbered row by row).
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
MAX_COLUMNS = 30
MAX_ROWS = 99  # a numbered box; a lettered box has at most 26 rows
_LETTER_NUMBER = re.compile(r"^([A-Z])\s*-?\s*0*(\d{1,3})$")
_ROW_COLUMN = re.compile(r"^(?:R(?:OW)?\s*)?0*(\d{1,3})\s*[,;:/x×-]?\s*(?:C(?:OL(?:UMN)?)?\s*)0*(\d{1,3})$|"
                         r"^0*(\d{1,3})\s*[,;:/x×]\s*0*(\d{1,3})$")
_NUMBER = re.compile(r"^(?:P(?:OS(?:ITION)?)?\s*)?#?0*(\d{1,4})$")


class PositionText:
    """A position as written by a person: a row and column, or a number counted row by row."""

    __slots__ = ("row", "column", "number")

    def __init__(self, row: int | None = None, column: int | None = None, number: int | None = None):
        self.row, self.column, self.number = row, column, number

    @classmethod
    def readings(cls, text: str) -> list[PositionText]:
        """Every way to read a written position, likeliest first: "A1", "a01", "B-12", "1,2", "R1C2",
        "12"; "P12" is row P, column 12, or position 12 (a "P" for "position")."""
        value = (text or "").strip().upper()
        found = []
        match = _LETTER_NUMBER.match(value)
        if match:
            found.append(cls(LETTERS.index(match[1]) + 1, int(match[2])))
        match = _ROW_COLUMN.match(value)
        if match:
            row, column = (match[1], match[2]) if match[1] else (match[3], match[4])
            found.append(cls(int(row), int(column)))
        match = _NUMBER.match(value)
        if match:
            found.append(cls(number=int(match[1])))
        return found

    @classmethod
    def parse(cls, text: str) -> PositionText | None:
        found = cls.readings(text)
        return found[0] if found else None

    @property
    def is_number(self) -> bool:
        return self.number is not None

    def in_box(self, columns: int) -> tuple[int, int]:
        """(row, column) in a box of ``columns`` columns (0s for a position 0)."""
        if self.number is None:
            return self.row, self.column
        if self.number < 1:
            return 0, 0
        return (self.number - 1) // columns + 1, (self.number - 1) % columns + 1


class StorageContainer(models.Model):
    """A freezer, a shelf or rack in it, or a box on that: a tree three levels deep."""

    class Kind(models.TextChoices):
        FREEZER = "freezer", "Freezer"
        SHELF = "shelf", "Shelf"
        RACK = "rack", "Rack"
        BOX = "box", "Box"

    class Labelling(models.TextChoices):
        LETTER_NUMBER = "letter_number", "rows lettered, columns numbered (A1, A2 … I9)"
        NUMBERS = "numbers", "positions numbered row by row (1, 2 … 81)"

    # What each kind of container may stand in.
    PARENT_KINDS = {Kind.FREEZER: (), Kind.SHELF: (Kind.FREEZER,), Kind.RACK: (Kind.FREEZER,),
                    Kind.BOX: (Kind.SHELF, Kind.RACK)}

    name = models.CharField(max_length=20, help_text="As written on the container, e.g. F01, R03, B12.")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children",
                               help_text="The freezer a shelf or rack stands in; the shelf or rack a box is on.")
    rows = models.PositiveSmallIntegerField(null=True, blank=True,
                                            validators=[MinValueValidator(1), MaxValueValidator(MAX_ROWS)],
                                            help_text="Boxes only.")
    columns = models.PositiveSmallIntegerField(null=True, blank=True,
                                               validators=[MinValueValidator(1), MaxValueValidator(MAX_COLUMNS)],
                                               help_text="Boxes only.")
    labelling = models.CharField(max_length=14, choices=Labelling.choices, default=Labelling.LETTER_NUMBER,
                                 help_text="How the box's positions are labelled. Boxes only.")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = "storage container"
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="container_name_unique_in_parent",
                                    violation_error_message="Another container here has this name."),
            models.UniqueConstraint(fields=["name"], condition=Q(parent__isnull=True),
                                    name="freezer_name_unique",
                                    violation_error_message="Another freezer has this name."),
            models.CheckConstraint(condition=Q(kind="freezer", parent__isnull=True)
                                   | (~Q(kind="freezer") & Q(parent__isnull=False)),
                                   name="container_only_freezers_at_top"),
            models.CheckConstraint(condition=Q(kind="box", rows__gte=1, columns__gte=1)
                                   | (~Q(kind="box") & Q(rows__isnull=True, columns__isnull=True)),
                                   name="container_boxes_have_a_grid"),
            models.CheckConstraint(condition=~Q(labelling="letter_number", rows__gt=len(LETTERS)),
                                   name="container_lettered_rows_at_most_26"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        allowed = self.PARENT_KINDS.get(self.kind, ())
        if not allowed and self.parent_id:
            raise ValidationError({"parent": "A freezer stands in no other container."})
        if allowed and (self.parent is None or self.parent.kind not in allowed):
            names = " or ".join(str(self.Kind(k).label).lower() for k in allowed)
            raise ValidationError({"parent": f"A {self.get_kind_display().lower()} stands in a {names}."})
        if self.is_box and not (self.rows and self.columns):
            raise ValidationError({"rows": "Give a box its rows and columns, e.g. 9 x 9."})
        if not self.is_box and (self.rows or self.columns):
            raise ValidationError({"rows": "Only boxes have rows and columns."})
        if self.is_box and self.labelling == self.Labelling.LETTER_NUMBER and self.rows > len(LETTERS):
            raise ValidationError({"rows": "A box with lettered rows has at most 26 rows: number its positions."})

    @property
    def is_box(self) -> bool:
        return self.kind == self.Kind.BOX

    @property
    def capacity(self) -> int:
        return (self.rows or 0) * (self.columns or 0)

    @property
    def path(self) -> str:
        """"F01 / R03 / B12": load the parents with select_related("parent__parent")."""
        names, node = [], self
        while node is not None:
            names.append(node.name)
            node = node.parent
        return " / ".join(reversed(names))

    def label(self, row: int, column: int) -> str:
        if self.labelling == self.Labelling.NUMBERS:
            return str((row - 1) * self.columns + column)
        return f"{LETTERS[row - 1]}{column}"

    def row_label(self, row: int) -> str:
        return LETTERS[row - 1] if self.labelling == self.Labelling.LETTER_NUMBER else str(row)

    def locate(self, text: str) -> tuple[int, int] | None:
        """(row, column) of a label written by a person, or None when it is not a position of this box."""
        for reading in PositionText.readings(text):
            row, column = reading.in_box(self.columns or 1)
            if 1 <= row <= (self.rows or 0) and 1 <= column <= (self.columns or 0):
                return row, column
        return None


class PlacementConflict(models.Model):
    """A sample whose written place could not become a position: kept here until staff place it."""

    sample = models.OneToOneField("Sample", on_delete=models.CASCADE, related_name="placement_conflict")
    freezer = models.CharField(max_length=20, blank=True)
    rack = models.CharField(max_length=20, blank=True)
    box = models.CharField(max_length=20, blank=True)
    position = models.CharField(max_length=20, blank=True)
    reason = models.CharField(max_length=200)
    found_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["found_at", "pk"]
        verbose_name = "placement conflict"

    def __str__(self) -> str:
        return f"{self.sample_id}: {self.written_place}"

    @property
    def written_place(self) -> str:
        return " / ".join((self.freezer, self.rack, self.box, self.position))
