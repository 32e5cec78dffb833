from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from common.workflow import MoveTable


class Affiliate(models.Model):
    """A hospital or institution affiliated with the division (shown on the collaborators' page)."""

    name = models.CharField(max_length=200, unique=True)
    joined_on = models.DateField(null=True, blank=True)
    description = models.TextField()
    website = models.URLField(blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Inquiry(models.Model):
    """A partnership inquiry from an academic, industry, government or philanthropic partner."""

    class Kind(models.TextChoices):
        ACADEMIC = "academic", "Academic institution"
        INDUSTRY = "industry", "Industry"
        GOVERNMENT = "government", "Government agency"
        FOUNDATION = "foundation", "Foundation"
        PHILANTHROPIC = "philanthropic", "Philanthropic donor"

    class Area(models.TextChoices):
        CLINICAL_TRIALS = "clinical_trials", "Sponsored or multi-site clinical trials"
        EARLY_PHASE = "early_phase", "Early-phase studies in the inpatient unit"
        BIOBANK = "biobank", "Biobank samples and genomics"
        DATA = "data", "Health-record data and informatics"
        OUTCOMES = "outcomes", "Patient-centred outcomes research"
        EDUCATION = "education", "Research education and training"
        FUNDING = "funding", "Funding research programmes"
        OTHER = "other", "Something else"

    class Status(models.TextChoices):
        NEW = "new", "New"
        IN_REVIEW = "in_review", "In review"
        IN_DISCUSSION = "in_discussion", "In discussion"
        AGREED = "agreed", "Partnership agreed"
        DECLINED = "declined", "Declined"
        CLOSED = "closed", "Closed"

    # Where an inquiry may go from each status. Anything else is refused.
    MOVES = MoveTable(Status, {
        Status.NEW: {Status.IN_REVIEW, Status.DECLINED, Status.CLOSED},
        Status.IN_REVIEW: {Status.IN_DISCUSSION, Status.DECLINED, Status.CLOSED},
        Status.IN_DISCUSSION: {Status.AGREED, Status.DECLINED, Status.CLOSED},
        Status.AGREED: {Status.CLOSED},
        Status.DECLINED: set(),
        Status.CLOSED: set(),
    })

    REFERENCE_PREFIX = "PI"  # PI-2026-00007 (common.references)

    reference = models.CharField(max_length=20, unique=True, editable=False)
    organisation = models.CharField(max_length=200)
    kind = models.CharField("kind of partner", max_length=20, choices=Kind.choices)
    contact_name = models.CharField(max_length=150)
    contact_email = models.EmailField(max_length=254)
    contact_phone = models.CharField(max_length=32, blank=True)
    area = models.CharField("area of interest", max_length=30, choices=Area.choices)
    proposal = models.TextField("proposed collaboration")
    confidential = models.BooleanField(
        default=False, help_text="The proposal contains confidential information: only the assignee and "
                                 "superusers read it.")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="partnership_inquiries")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW, editable=False)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="assigned_partnership_inquiries", limit_choices_to={"is_staff": True})
    decision_reason = models.TextField(blank=True)
    submitted_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name_plural = "inquiries"
        indexes = [models.Index(fields=["status", "-submitted_at"], name="inquiry_status_idx")]

    def __str__(self) -> str:
        return f"{self.reference} {self.organisation}"


class InquiryStatusChange(models.Model):
    inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status or 'start'} -> {self.to_status}"


class InquiryNote(models.Model):
    """A staff note on an inquiry (never shown to the partner)."""

    inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Note by {self.author} on {self.created_at:%Y-%m-%d}"

