"""Who may ask the biobank cohort questions, the cohorts they saved, and every question asked."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from biobank.models import IRB_PROTOCOL_PATTERN
from common.workflow import MoveTable


class BiobankAccess(models.Model):
    """A researcher's application to use the cohort tool: email verified, IRB protocol on record,
    approved by biobank staff."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for the biobank"
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined"
        REVOKED = "revoked", "Revoked"

    MOVES = MoveTable(Status, {
        Status.PENDING: {Status.APPROVED, Status.DECLINED},
        Status.APPROVED: {Status.REVOKED},
        Status.DECLINED: {Status.PENDING},
        Status.REVOKED: {Status.PENDING},
    })

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="biobank_access")
    irb_protocol = models.CharField(
        "IRB protocol number", max_length=40,
        validators=[RegexValidator(IRB_PROTOCOL_PATTERN, "Enter the IRB protocol number as on the approval letter, "
                                                         "e.g. IRB-2026-0142.")])
    institution = models.CharField(max_length=200)
    purpose = models.TextField(help_text="What the researcher means to study with the biobank.")
    email_verified_at = models.DateTimeField(null=True, blank=True, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    decision_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "biobank access"
        verbose_name_plural = "biobank access applications"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Biobank access of {self.user}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.APPROVED and self.email_verified_at is not None


class SavedCohort(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=120)
    question = models.JSONField(help_text="The question (cohorts.question.Question as JSON).")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="savedcohort_owner_name_unique")]

    def __str__(self) -> str:
        return self.name


class CohortQueryLog(models.Model):
    """Every question asked, by whom, and what they were shown: the biobank's audit trail."""

    class Kind(models.TextChoices):
        COUNT = "count", "Count"
        BREAKDOWN = "breakdown", "Breakdown"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    asked_at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.COUNT)
    question = models.JSONField()
    question_hash = models.CharField(max_length=64)
    shown = models.JSONField(help_text="What the researcher saw.")
    refused = models.BooleanField(default=False, help_text="Over the daily budget: no count was shown.")
    new_today = models.BooleanField(default=False, editable=False,
                                    help_text="The first time the person asked this question that day: what the "
                                              "daily budget counts.")

    class Meta:
        ordering = ["-asked_at"]
        verbose_name = "cohort question"
        indexes = [
            models.Index(fields=["user", "asked_at"], name="cohortquery_user_day_idx"),
            # The daily budget: the questions new that day (up to the budget), and whether this one was asked.
            models.Index(fields=["user", "asked_at"], condition=models.Q(new_today=True, refused=False),
                         name="cohortquery_new_idx"),
            models.Index(fields=["user", "question_hash", "asked_at"], name="cohortquery_again_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} asked by {self.user} at {self.asked_at:%Y-%m-%d %H:%M}"
