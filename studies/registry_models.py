"""What ClinicalTrials.gov says about a study beyond its finder fields, and the staff's Spanish text.

``RegistryRecord`` keeps the registry's values (dates as the registry gives them, "6 Months" as
an age, the arms, interventions and outcome measures); ``Location`` is one site of the study,
with its public contacts and geo point; ``SpanishText`` is the study's own text as staff wrote
it in Spanish. Only the importer (``studies.ctgov``) writes the first two; staff edit the third.
"""

from __future__ import annotations

import re

from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext, ngettext

from .registry_values import AGE_UNITS, ArmType, DateType, InterventionType, StandardAge, Status, label_of

_AGE = re.compile(r"^\s*(\d+)\s+([A-Za-z]+?)s?\s*$")


def age_text(value: str) -> str:
    """ "6 Months" -> "6 months" (translated); "" for no limit."""
    match = _AGE.match(value or "")
    if not match or match.group(2).lower() not in AGE_UNITS:
        return value or ""
    number = int(match.group(1))
    singular, plural = AGE_UNITS[match.group(2).lower()]
    return (singular if number == 1 else plural) % {"n": number}


class RegistryRecord(models.Model):
    """The registry's description of one study, as last imported (one row per study)."""

    study = models.OneToOneField("studies.Study", on_delete=models.CASCADE, primary_key=True, related_name="registry")
    minimum_age = models.CharField(max_length=20, blank=True, help_text="As the registry gives it, e.g. 6 Months.")
    maximum_age = models.CharField(max_length=20, blank=True)
    standard_ages = ArrayField(models.CharField(max_length=12, choices=StandardAge.choices), default=list, blank=True)
    start_date = models.CharField(max_length=10, blank=True, help_text="YYYY-MM or YYYY-MM-DD.")
    start_date_type = models.CharField(max_length=10, choices=DateType.choices, blank=True)
    primary_completion_date = models.CharField(max_length=10, blank=True)
    primary_completion_date_type = models.CharField(max_length=10, choices=DateType.choices, blank=True)
    completion_date = models.CharField(max_length=10, blank=True)
    completion_date_type = models.CharField(max_length=10, choices=DateType.choices, blank=True)
    first_posted = models.DateField(null=True, blank=True)
    last_update_posted = models.DateField(null=True, blank=True,
                                          help_text="The registry's last update: a sync re-imports when it changes.")
    enrollment_count = models.PositiveIntegerField(null=True, blank=True)
    enrollment_type = models.CharField(max_length=10, choices=DateType.choices, blank=True)
    primary_purpose = models.CharField(max_length=30, blank=True)
    lead_sponsor = models.CharField(max_length=300, blank=True)
    collaborators = models.JSONField(default=list, blank=True, help_text="Names of the other organisations.")
    description = models.TextField("detailed description", blank=True, help_text="Markdown, from the registry.")
    why_stopped = models.TextField(blank=True)
    interventions = models.JSONField(default=list, blank=True)
    arms = models.JSONField(default=list, blank=True)
    outcomes = models.JSONField(default=list, blank=True)
    officials = models.JSONField(default=list, blank=True)
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "registry record"

    def __str__(self) -> str:
        return f"Registry record of study #{self.study_id}"

    @property
    def age_range(self) -> str:
        low, high = age_text(self.minimum_age), age_text(self.maximum_age)
        if low and high:
            return gettext("%(min)s to %(max)s old") % {"min": low, "max": high}
        if low:
            return gettext("%(min)s and older") % {"min": low}
        if high:
            return gettext("Up to %(max)s old") % {"max": high}
        return gettext("Any age")

    @property
    def standard_ages_text(self) -> str:
        return ", ".join(label_of(StandardAge, value) for value in self.standard_ages)

    @property
    def enrollment_text(self) -> str:
        if self.enrollment_count is None:
            return ""
        if self.enrollment_type == DateType.ACTUAL:
            return ngettext("%(n)s person took part", "%(n)s people took part",
                            self.enrollment_count) % {"n": self.enrollment_count}
        return ngettext("%(n)s person expected", "%(n)s people expected",
                        self.enrollment_count) % {"n": self.enrollment_count}

    @property
    def labelled_interventions(self) -> list[dict]:
        return [{**item, "type_label": label_of(InterventionType, item.get("type") or "")} for item in self.interventions]

    @property
    def labelled_arms(self) -> list[dict]:
        return [{**arm, "type_label": label_of(ArmType, arm.get("type") or "")} for arm in self.arms]

    def outcomes_of(self, kind: str) -> list[dict]:
        return [outcome for outcome in self.outcomes if outcome.get("kind") == kind]

    @property
    def primary_outcomes(self) -> list[dict]:
        return self.outcomes_of("primary")

    @property
    def secondary_outcomes(self) -> list[dict]:
        return self.outcomes_of("secondary") + self.outcomes_of("other")


class Location(models.Model):
    """One site where the study runs, with its public contacts (names, phones, emails the registry lists)."""

    study = models.ForeignKey("studies.Study", on_delete=models.CASCADE, related_name="locations")
    facility = models.CharField(max_length=300, blank=True)
    city = models.CharField(max_length=120, blank=True)
    state = models.CharField(max_length=120, blank=True)
    zip_code = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=120, blank=True)
    status = models.CharField(max_length=30, choices=Status.choices, blank=True)
    contacts = models.JSONField(default=list, blank=True, help_text="Public site contacts: name, role, phone, email.")
    latitude = models.FloatField(null=True, blank=True, validators=[MinValueValidator(-90), MaxValueValidator(90)])
    longitude = models.FloatField(null=True, blank=True,
                                  validators=[MinValueValidator(-180), MaxValueValidator(180)])
    is_ours = models.BooleanField("our site", default=False,
                                  help_text="This site is one of ours: the study page shows it first.")
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-is_ours", "order", "id"]
        indexes = [
            models.Index(fields=["study", "order"], name="location_study_idx"),
            models.Index(fields=["latitude", "longitude"], name="location_point_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(latitude__isnull=True, longitude__isnull=True)
                                   | models.Q(latitude__isnull=False, longitude__isnull=False),
                                   name="location_point_complete",
                                   violation_error_message="A geo point needs both a latitude and a longitude."),
        ]

    def __str__(self) -> str:
        return ", ".join(part for part in (self.facility, self.city, self.country) if part)

    @property
    def place(self) -> str:
        return ", ".join(part for part in (self.city, self.state, self.zip_code, self.country) if part)


class SpanishText(models.Model):
    """The study's own words in Spanish, written by staff (the registry has none)."""

    study = models.OneToOneField("studies.Study", on_delete=models.CASCADE, primary_key=True, related_name="spanish")
    lay_title = models.CharField("título en lenguaje sencillo", max_length=200)
    summary = models.TextField("resumen en lenguaje sencillo", help_text="Markdown allowed: lists, bold, links.")
    eligibility = models.TextField("quién puede participar", blank=True,
                                   help_text="Markdown allowed; use 'Criterios de inclusión:' and "
                                             "'Criterios de exclusión:' headings to split the lists.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "Spanish text"
        verbose_name_plural = "Spanish text"

    def __str__(self) -> str:
        return self.lay_title
