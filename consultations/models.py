"""Consultation requests: a researcher asks the division for a service; staff triage it.

Status moves happen only through ``consultations.services.change_status`` (its table of
allowed moves is ``MOVES`` below); every move leaves a ``StatusChange`` row.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from centers.models import FundingType, Unit
from common.gin import trigram_index
from common.workflow import MoveTable

# Hours of the free faculty consultation when a service does not say how long it takes.
DEFAULT_HOURS_ALLOTTED = Decimal("8")


class Status(models.TextChoices):
    SUBMITTED = "submitted", "Submitted"
    TRIAGED = "triaged", "Triaged"
    ASSIGNED = "assigned", "Assigned"
    IN_PROGRESS = "in_progress", "In progress"
    ON_HOLD = "on_hold", "On hold"
    COMPLETED = "completed", "Completed"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"


# The only moves a request may make. Completed, declined and withdrawn are final.
MOVES = MoveTable(Status, {
    Status.SUBMITTED: {Status.TRIAGED, Status.ON_HOLD, Status.DECLINED, Status.WITHDRAWN},
    Status.TRIAGED: {Status.ASSIGNED, Status.ON_HOLD, Status.DECLINED, Status.WITHDRAWN},
    Status.ASSIGNED: {Status.IN_PROGRESS, Status.ON_HOLD, Status.DECLINED, Status.WITHDRAWN},
    Status.IN_PROGRESS: {Status.COMPLETED, Status.ON_HOLD, Status.WITHDRAWN},
    Status.ON_HOLD: {Status.TRIAGED, Status.ASSIGNED, Status.IN_PROGRESS, Status.DECLINED, Status.WITHDRAWN},
    Status.COMPLETED: set(),
    Status.DECLINED: set(),
    Status.WITHDRAWN: set(),
})
CLOSED_STATUSES = MOVES.closed
OPEN_STATUSES = MOVES.open


class StudyStage(models.TextChoices):
    IDEA = "idea", "Idea or concept"
    PROTOCOL = "protocol", "Writing the protocol"
    FUNDING = "funding", "Applying for funding"
    REGULATORY = "regulatory", "IRB or FDA submission"
    ACTIVE = "active", "Study running (recruiting or follow-up)"
    ANALYSIS = "analysis", "Analysis"
    PUBLICATION = "publication", "Writing up or publishing"


class FundingStatus(models.TextChoices):
    UNFUNDED = "unfunded", "Not funded yet"
    APPLYING = "applying", "Funding applied for"
    INTERNAL = "internal", "Funded internally"
    EXTERNAL = "external", "Funded by an external grant"
    INDUSTRY = "industry", "Industry sponsored"


# Funding statuses that name someone who pays: the sponsor is then required.
SPONSORED = frozenset({FundingStatus.INTERNAL, FundingStatus.EXTERNAL, FundingStatus.INDUSTRY})


class Priority(models.IntegerChoices):
    LOW = 1, "Low"
    NORMAL = 2, "Normal"
    HIGH = 3, "High"
    URGENT = 4, "Urgent"


class ConsultationRequest(models.Model):
    REFERENCE_PREFIX = "DCR"  # DCR-2026-00042 (common.references)

    reference = models.CharField(max_length=20, unique=True, editable=False)
    requester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="consultation_requests")
    service = models.ForeignKey("centers.Service", on_delete=models.PROTECT, related_name="consultation_requests")
    center = models.ForeignKey("centers.Center", on_delete=models.PROTECT, related_name="consultation_requests",
                               verbose_name="centre",
                               help_text="The centre or unit that handles the request.")
    title = models.CharField(max_length=200)
    summary = models.TextField("project summary")
    study_stage = models.CharField(max_length=20, choices=StudyStage.choices)
    funding_status = models.CharField(max_length=20, choices=FundingStatus.choices)
    sponsor = models.CharField(max_length=200, blank=True)
    deadline = models.DateField(null=True, blank=True)
    # The project or study the request serves: its team follows the request (projects.selectors).
    project = models.ForeignKey("projects.Project", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="consultation_requests")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SUBMITTED, editable=False)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="assigned_consultations", editable=False, verbose_name="consultant")
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.NORMAL)
    hours_allotted = models.DecimalField(max_digits=6, decimal_places=2, default=DEFAULT_HOURS_ALLOTTED)
    # Sum of the time entries, kept in step by services.refresh_hours_used in the same transaction.
    hours_used = models.DecimalField(max_digits=7, decimal_places=2, default=Decimal("0"), editable=False)
    submitted_at = models.DateTimeField(default=timezone.now, editable=False)
    # Two working days after submission: a request still "submitted" then is overdue.
    overdue_at = models.DateTimeField(editable=False)
    overdue_reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    triaged_at = models.DateTimeField(null=True, blank=True, editable=False)
    completed_at = models.DateTimeField(null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["hours_used", "updated_at", "overdue_reminder_sent_at"])

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = "consultation request"
        indexes = [
            # The triage list's visibility (centre, assignee) carried in the index: its capped count
            # is an index-only scan (22 -> 2.6 ms at 500,000 requests).
            models.Index(fields=["-submitted_at", "-id"], include=["center", "assignee"], name="consult_submitted_idx"),
            models.Index(fields=["status", "-submitted_at"], name="consult_status_idx"),
            models.Index(fields=["center", "-submitted_at"], name="consult_center_idx"),
            # The desk's usual view: one centre's requests in one status, newest first.
            models.Index(fields=["center", "status", "-submitted_at"], include=["assignee", "id"],
                         name="consult_center_status_idx"),  # the count of a centre and status: index-only
            models.Index(fields=["assignee", "-submitted_at"], name="consult_assignee_idx"),
            models.Index(fields=["service", "-submitted_at"], name="consult_service_idx"),
            models.Index(fields=["requester", "-submitted_at"], name="consult_requester_idx"),
            models.Index(fields=["overdue_at"], name="consult_overdue_idx",
                         condition=models.Q(status="submitted")),
            # The desk's search for words (UPPER(title) LIKE '%WORD%') uses trigrams.
            # No pending list (common/gin.py).
            trigram_index("title", "consult_title_trgm_idx"),
            trigram_index("reference", "consult_reference_trgm_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(hours_allotted__gte=0), name="consult_hours_allotted_gte_0"),
            models.CheckConstraint(
                condition=~models.Q(status__in=["assigned", "in_progress"]) | models.Q(assignee__isnull=False),
                name="consult_assigned_has_assignee",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("consultations:detail", args=[self.reference])

    def get_admin_url(self) -> str:
        return reverse("admin:consultations_consultationrequest_change", args=[self.pk])

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES

    @property
    def is_overdue(self) -> bool:
        return self.status == Status.SUBMITTED and self.overdue_at <= timezone.now()

    @property
    def allotment_used_up(self) -> bool:
        return self.hours_used >= self.hours_allotted

    @property
    def age_days(self) -> int:
        return (timezone.now() - self.submitted_at).days

    def allowed_moves(self) -> list[str]:
        return MOVES.allowed(self.status)


class StatusChange(models.Model):
    request = models.ForeignKey(ConsultationRequest, on_delete=models.CASCADE, related_name="status_changes")
    # Set when the move was one service line's (the request's own moves leave it empty).
    line = models.ForeignKey("LineItem", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["changed_at", "id"]
        indexes = [models.Index(fields=["request", "changed_at"], name="consult_statuschange_idx")]
        verbose_name = "status change"

    def __str__(self) -> str:
        start = self.get_from_status_display() or "New"
        return f"{start} → {self.get_to_status_display()}"


class Message(models.Model):
    request = models.ForeignKey(ConsultationRequest, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(max_length=5000)
    internal = models.BooleanField(
        "internal note", default=False, help_text="Internal notes are seen by staff only, never by the researcher.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["request", "created_at"], name="consult_message_idx")]

    def __str__(self) -> str:
        return f"Message by {self.author} on {timezone.localtime(self.created_at):%Y-%m-%d %H:%M}"


class TimeEntry(models.Model):
    request = models.ForeignKey(ConsultationRequest, on_delete=models.CASCADE, related_name="time_entries")
    consultant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    hours = models.DecimalField(max_digits=5, decimal_places=2)
    date = models.DateField(default=timezone.localdate)
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["date", "id"]
        verbose_name = "time entry"
        verbose_name_plural = "time entries"
        constraints = [models.CheckConstraint(condition=models.Q(hours__gt=0), name="consult_time_hours_gt_0")]

    def __str__(self) -> str:
        return f"{self.hours} h on {self.date}"

    def clean(self):
        from django.core.exceptions import ValidationError

        errors = {}
        if self.hours is not None and self.hours <= 0:
            errors["hours"] = "Enter the hours worked: a number greater than 0."
        if self.date and self.date > timezone.localdate():
            errors["date"] = "The date cannot be in the future."
        if errors:
            raise ValidationError(errors)


def attachment_path(instance: "Attachment", filename: str) -> str:
    """A random name under MEDIA_ROOT: never guessable, never under static/."""
    extension = PurePath(filename).suffix.lower()
    return f"consultations/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{extension}"


class Attachment(models.Model):
    request = models.ForeignKey(ConsultationRequest, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=200)
    original_name = models.CharField(max_length=255)
    size = models.PositiveIntegerField(help_text="Bytes.")
    content_type = models.CharField(max_length=100)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("consultations:attachment", args=[self.pk])


# --- line items: one service of a request each ----------------------------------------------
#
# A line moves through the same statuses as a request, on its own, by
# ``consultations.lines.change_line_status``; the request's status then follows from its lines.
LINE_MOVES = MoveTable(Status, {
    Status.SUBMITTED: {Status.TRIAGED, Status.ON_HOLD, Status.DECLINED, Status.WITHDRAWN},
    Status.TRIAGED: {Status.ASSIGNED, Status.ON_HOLD, Status.DECLINED, Status.WITHDRAWN},
    Status.ASSIGNED: {Status.IN_PROGRESS, Status.ON_HOLD, Status.DECLINED, Status.WITHDRAWN},
    Status.IN_PROGRESS: {Status.COMPLETED, Status.ON_HOLD, Status.WITHDRAWN},
    Status.ON_HOLD: {Status.TRIAGED, Status.ASSIGNED, Status.IN_PROGRESS, Status.DECLINED, Status.WITHDRAWN},
    Status.COMPLETED: set(),
    Status.DECLINED: set(),
    Status.WITHDRAWN: set(),
})


class LineItem(models.Model):
    """One service asked for in a request: how much, at the unit price in force that day, routed to a centre.

    ``unit_price`` is copied from the catalogue when the request is filed: a later rate never
    changes the estimate. None means the service had no published rate: the price is agreed.
    """

    request = models.ForeignKey(ConsultationRequest, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField()
    service = models.ForeignKey("centers.Service", on_delete=models.PROTECT, related_name="line_items")
    center = models.ForeignKey("centers.Center", on_delete=models.PROTECT, related_name="line_items",
                               verbose_name="centre", help_text="The centre or unit that handles this service.")
    quantity = models.DecimalField(max_digits=8, decimal_places=2)
    unit = models.CharField(max_length=20, choices=Unit.choices)
    funding_type = models.CharField(max_length=20, choices=FundingType.choices)
    unit_price = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    priced_on = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SUBMITTED, editable=False)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="assigned_lines", editable=False, verbose_name="consultant")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["request", "position"]
        verbose_name = "service line"
        constraints = [
            models.UniqueConstraint(fields=["request", "position"], name="consult_line_position_unique"),
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="consult_line_quantity_gt_0"),
            models.CheckConstraint(
                condition=~models.Q(status__in=["assigned", "in_progress"]) | models.Q(assignee__isnull=False),
                name="consult_line_assigned_has_assignee"),
        ]
        indexes = [models.Index(fields=["center", "status"], name="consult_line_center_idx")]

    def __str__(self) -> str:
        return f"{self.request.reference} #{self.position} {self.service.name}"

    @property
    def estimate(self) -> Decimal | None:
        return None if self.unit_price is None else (self.quantity * self.unit_price).quantize(Decimal("0.01"))

    @property
    def is_closed(self) -> bool:
        return self.status in LINE_MOVES.closed

    @property
    def waiting_for(self) -> str:
        """What the line waits for, in the researcher's words."""
        consultant = self.assignee.get_full_name() if self.assignee_id else ""
        return {
            Status.SUBMITTED: f"Waiting for {self.center.name} to look at it",
            Status.TRIAGED: f"Accepted; waiting for {self.center.name} to choose a consultant",
            Status.ASSIGNED: f"Waiting for {consultant} to start",
            Status.IN_PROGRESS: f"{consultant} is working on it",
            Status.ON_HOLD: "On hold: see the messages",
            Status.COMPLETED: "Done",
            Status.DECLINED: "Declined: see the history",
            Status.WITHDRAWN: "Withdrawn",
        }[self.status]


class Draft(models.Model):
    """A request being written: what the researcher typed, kept until they send it (files are not kept)."""

    requester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="request_drafts")
    title = models.CharField(max_length=200, blank=True)
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["updated_at"], name="consult_draft_reminder_idx",
                                condition=models.Q(reminded_at__isnull=True))]

    def __str__(self) -> str:
        return self.title or "Untitled draft"


class Survey(models.Model):
    """The researcher's rating of a completed request (asked once by email)."""

    request = models.OneToOneField(ConsultationRequest, on_delete=models.CASCADE, related_name="survey")
    score = models.PositiveSmallIntegerField(choices=[(n, str(n)) for n in range(1, 6)])
    comment = models.TextField(max_length=2000, blank=True)
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(score__gte=1, score__lte=5),
                                              name="consult_survey_score_1_5")]

    def __str__(self) -> str:
        return f"{self.request.reference}: {self.score}/5"


class RoutedLine(models.Model):
    """A request's service lines handled by another centre than the request's own: how many per
    centre. Kept by PostgreSQL triggers on the lines and the requests (``consultations.routing``),
    so that "requests with a line in my centres" reads these few rows, not every line of a centre."""

    request = models.ForeignKey(ConsultationRequest, on_delete=models.DO_NOTHING, db_constraint=False,
                                related_name="+")
    center = models.ForeignKey("centers.Center", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    lines = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["center", "request"], name="consult_routed_line_uniq")]
