"""Samples: what is in the freezers, its type and quantity, its place and its status."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from common.workflow import MoveTable

from .participants import BARCODE_PATTERN, Participant

class SampleType(models.TextChoices):
    WHOLE_BLOOD = "whole_blood", "Whole blood"
    DNA = "dna", "DNA"
    PLASMA = "plasma", "Plasma"
    SERUM = "serum", "Serum"
    BUFFY_COAT = "buffy_coat", "Buffy coat"


class Unit(models.TextChoices):
    ML = "mL", "mL"
    UL = "uL", "µL"
    UG = "ug", "µg"
    NG = "ng", "ng"


class Derivation(models.TextChoices):
    ALIQUOT = "aliquot", "Aliquot"
    DERIVATIVE = "derivative", "Derivative"


# What each type can be made into (a derivative); an aliquot keeps its parent's type.
DERIVATIONS = {
    SampleType.WHOLE_BLOOD: (SampleType.DNA, SampleType.PLASMA, SampleType.SERUM, SampleType.BUFFY_COAT),
    SampleType.BUFFY_COAT: (SampleType.DNA,),
}


class Sample(models.Model):
    class Status(models.TextChoices):
        AVAILABLE = "available", "Available"
        RESERVED = "reserved", "Reserved"
        DISTRIBUTED = "distributed", "Distributed"
        DEPLETED = "depleted", "Depleted"
        DESTROYED = "destroyed", "Destroyed"
        WITHDRAWN = "withdrawn", "Unavailable: participant withdrew"

    # Every status move of a sample goes through services.move_samples, checked against this.
    MOVES = MoveTable(Status, {
        Status.AVAILABLE: {Status.RESERVED, Status.DEPLETED, Status.DESTROYED, Status.WITHDRAWN},
        Status.RESERVED: {Status.AVAILABLE, Status.DISTRIBUTED, Status.DEPLETED, Status.DESTROYED, Status.WITHDRAWN},
        Status.WITHDRAWN: {Status.DESTROYED},
        Status.DISTRIBUTED: set(),
        Status.DEPLETED: set(),
        Status.DESTROYED: set(),
    })
    # Samples still in the freezer hold their position; one sample per position.
    IN_STORAGE = (Status.AVAILABLE, Status.RESERVED, Status.WITHDRAWN)
    # The order staff walk the freezers in: freezer, shelf or rack, box, row, column.
    PICK_ORDER = ("box__parent__parent__name", "box__parent__name", "box__name", "pos_row", "pos_col", "barcode")

    barcode = models.CharField(  # unique: sample_barcode_unique
        max_length=32,
        validators=[RegexValidator(BARCODE_PATTERN, "A barcode is 3 to 32 capital letters, digits or dashes.")],
    )
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="samples")
    sample_type = models.CharField("type", max_length=12, choices=SampleType.choices)
    collected_at = models.DateTimeField()
    quantity = models.DecimalField(max_digits=10, decimal_places=3,
                                   validators=[MinValueValidator(0), MaxValueValidator(1_000_000)])
    unit = models.CharField(max_length=4, choices=Unit.choices)
    # Lineage: an aliquot is part of its parent (same type), a derivative is made from it (a new type).
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children",
                               db_index=False)
    derived_as = models.CharField("made as", max_length=10, choices=Derivation.choices, blank=True)
    # Where the sample is, or was last: only stored samples hold their position (see the constraints).
    box = models.ForeignKey("StorageContainer", on_delete=models.PROTECT, null=True, blank=True,
                            related_name="samples", db_index=False, limit_choices_to={"kind": "box"})
    pos_row = models.PositiveSmallIntegerField("row", null=True, blank=True)
    pos_col = models.PositiveSmallIntegerField("column", null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.AVAILABLE)
    reserved_for = models.ForeignKey(
        "SampleRequest", on_delete=models.PROTECT, null=True, blank=True, related_name="samples", db_index=False,
        help_text="The request this sample is reserved for, or was distributed to.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    # As for participants: no index nobody looks up by, and who made a change without a constraint.
    history = HistoricalRecords(no_db_index=["barcode", "participant", "reserved_for", "box", "parent"],
                               user_db_constraint=False)

    class Meta:
        ordering = ["barcode"]
        constraints = [
            # A constraint, not unique=True: barcodes are only ever matched exactly, so they need no
            # second (LIKE) index, which unique=True adds on PostgreSQL.
            models.UniqueConstraint(fields=["barcode"], name="sample_barcode_unique"),
            models.UniqueConstraint(fields=["box", "pos_row", "pos_col"], name="sample_one_per_position",
                                    condition=Q(status__in=["available", "reserved", "withdrawn"]),
                                    violation_error_message="Another sample is stored at this position."),
            models.CheckConstraint(condition=Q(box__isnull=True, pos_row__isnull=True, pos_col__isnull=True)
                                   | Q(box__isnull=False, pos_row__isnull=False, pos_col__isnull=False,
                                                          pos_row__gte=1, pos_col__gte=1),
                                   name="sample_position_whole"),
            models.CheckConstraint(condition=Q(quantity__gte=0), name="sample_quantity_not_negative",
                                   violation_error_message="A sample's quantity cannot go below zero."),
            models.CheckConstraint(condition=Q(parent__isnull=True, derived_as="")
                                   | (Q(parent__isnull=False) & ~Q(derived_as="")), name="sample_lineage_whole"),
            models.CheckConstraint(
                condition=Q(reserved_for__isnull=True) | Q(status__in=["reserved", "distributed"]),
                name="sample_reserved_for_only_when_reserved",
            ),
        ]
        indexes = [
            # The cohort count reads the participant and id from the index alone (an index-only scan).
            models.Index(fields=["sample_type", "status"], include=["participant", "id"], name="sample_type_status_idx"),
            models.Index(fields=["status", "id"], name="sample_status_idx"),
            # Most samples are reserved for nothing: only the others are indexed.
            models.Index(fields=["reserved_for"], name="sample_reserved_for_idx",
                         condition=Q(reserved_for__isnull=False)),
            # Box maps read stored samples through sample_one_per_position; the last occupants that were
            # shipped through this one. Each further index slows every import.
            models.Index(fields=["box", "pos_row", "pos_col"], name="sample_box_distributed_idx",
                         condition=Q(status="distributed")),
            # Few samples have a parent: only those are indexed (the lineage tree walks them).
            models.Index(fields=["parent"], name="sample_parent_idx", condition=Q(parent__isnull=False)),
        ]

    def __str__(self) -> str:
        return self.barcode

    @property
    def location(self) -> str:
        """"F01 / R03 / B12 / A1": load the box with select_related("box__parent__parent")."""
        if self.box_id is None:
            return "not placed"
        return f"{self.box.path} / {self.box.label(self.pos_row, self.pos_col)}"


class SampleMove(models.Model):
    """A sample taken from one position (or none: it was unplaced) to another."""

    sample = models.ForeignKey(Sample, on_delete=models.CASCADE, related_name="moves")
    from_box = models.ForeignKey("StorageContainer", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+")
    from_row = models.PositiveSmallIntegerField(null=True, blank=True)
    from_col = models.PositiveSmallIntegerField(null=True, blank=True)
    to_box = models.ForeignKey("StorageContainer", on_delete=models.PROTECT, related_name="+")
    to_row = models.PositiveSmallIntegerField()
    to_col = models.PositiveSmallIntegerField()
    moved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    moved_at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-moved_at", "-pk"]
        verbose_name = "sample move"

    def __str__(self) -> str:
        return f"Move of sample {self.sample_id}"
