from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.urls import reverse


class Center(models.Model):
    """A centre or a unit of the Division of Clinical Research."""

    class Kind(models.TextChoices):
        CENTER = "center", "Centre"
        UNIT = "unit", "Unit"

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    mission = models.TextField(help_text="One or two sentences: what the centre is for.")
    description = models.TextField(blank=True)
    contact_email = models.EmailField()
    phone = models.CharField(max_length=32, blank=True, help_text="The office's public number.")
    location = models.CharField(max_length=200, blank=True)
    active = models.BooleanField(default=True)
    # Kept by PostgreSQL itself, so every write path (admin, update(), bulk_create, fixtures)
    # leaves the directory search up to date.
    search_vector = models.GeneratedField(
        expression=SearchVector("name", weight="A", config="english")
        + SearchVector("mission", weight="B", config="english")
        + SearchVector("description", weight="C", config="english"),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    class Meta:
        ordering = ["name"]
        indexes = [GinIndex(fields=["search_vector"], name="center_search_idx")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("centers:center_detail", args=[self.slug])


class FundingType(models.TextChoices):
    """Who pays: each priced service has a rate for each (as academic cores price by funding source)."""

    FEDERAL = "federal", "Federal or internal funding"
    INDUSTRY = "industry", "Industry sponsor"
    OTHER = "other", "Other (foundation, philanthropy, unfunded)"


class Unit(models.TextChoices):
    """What one unit of a service is: quantities and prices are counted in it."""

    HOUR = "hour", "hour"
    SUBMISSION = "submission", "submission"
    PATIENT_VISIT = "patient_visit", "patient visit"
    SAMPLE = "sample", "sample"
    PROJECT = "project", "project"


class Service(models.Model):
    """Something a researcher can ask the division for (a consultation, a submission, ...)."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    summary = models.CharField(max_length=300)
    description = models.TextField()
    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="services",
                               help_text="The centre or unit that provides it.")
    typical_hours_min = models.PositiveSmallIntegerField(null=True, blank=True)
    typical_hours_max = models.PositiveSmallIntegerField(null=True, blank=True)
    free_of_charge = models.BooleanField(default=False)
    unit = models.CharField(max_length=20, choices=Unit.choices, default=Unit.HOUR,
                            help_text="What one unit is: quantities and rates are counted in it.")
    deliverables = models.TextField("what you receive", blank=True,
                                    help_text="What the researcher gets at the end, one item a line.")
    turnaround_days = models.PositiveSmallIntegerField(
        "turnaround (working days)", null=True, blank=True,
        help_text="Usual working days from the start of work to delivery.")
    preparation = models.TextField("what to prepare", blank=True,
                                   help_text="What the researcher should have ready, one item a line.")
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(typical_hours_min__isnull=True)
                | models.Q(typical_hours_max__isnull=True)
                | models.Q(typical_hours_min__lte=models.F("typical_hours_max")),
                name="service_hours_range_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("centers:service_detail", args=[self.slug])

    @property
    def typical_hours(self) -> str:
        if self.typical_hours_min and self.typical_hours_max and self.typical_hours_min != self.typical_hours_max:
            return f"{self.typical_hours_min}-{self.typical_hours_max} hours"
        hours = self.typical_hours_max or self.typical_hours_min
        return f"{hours} hours" if hours else ""

    @property
    def deliverable_list(self) -> list[str]:
        return [line.strip(" -•") for line in self.deliverables.splitlines() if line.strip(" -•")]

    @property
    def preparation_list(self) -> list[str]:
        return [line.strip(" -•") for line in self.preparation.splitlines() if line.strip(" -•")]


class ServiceRate(models.Model):
    """The price of one unit of a service for one funding type, from a date on.

    A rate is never edited into the past: a new price is a new row with a later
    ``effective_from``, so what was quoted on a day can always be found again.
    """

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="rates")
    funding_type = models.CharField(max_length=20, choices=FundingType.choices)
    amount = models.DecimalField("price per unit (USD)", max_digits=10, decimal_places=2)
    effective_from = models.DateField(default=datetime.date.today)

    class Meta:
        ordering = ["service", "funding_type", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["service", "funding_type", "effective_from"],
                                    name="service_rate_one_per_day"),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="service_rate_amount_gte_0"),
        ]

    def __str__(self) -> str:
        return f"{self.service}: {self.get_funding_type_display()} {self.amount} from {self.effective_from}"

    def clean(self):
        if self.amount is not None and self.amount < Decimal("0"):
            raise ValidationError({"amount": "A price cannot be negative."})
        if self.service_id and self.service.free_of_charge:
            raise ValidationError(f"{self.service} is free of charge: it takes no rates. "
                                  "Untick “free of charge” first if it is to be priced.")


class StaffMembership(models.Model):
    """A staff member works for a centre: they triage that centre's requests."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    center = models.ForeignKey(Center, on_delete=models.CASCADE, related_name="memberships")
    title = models.CharField(max_length=120, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "center"], name="staff_membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} at {self.center}"
