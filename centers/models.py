from __future__ import annotations

from django.conf import settings
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


class StaffMembership(models.Model):
    """A staff member works for a centre: they triage that centre's requests."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    center = models.ForeignKey(Center, on_delete=models.CASCADE, related_name="memberships")
    title = models.CharField(max_length=120, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "center"], name="staff_membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} at {self.center}"
