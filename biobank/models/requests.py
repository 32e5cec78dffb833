"""Researchers' requests: samples, or the re-contact of participants, under an IRB protocol."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from common.workflow import MoveTable

from .participants import IRB_PROTOCOL_PATTERN, Participant

def request_moves(status, *, fulfilment: tuple[str, str], withdraw_while_fulfilling: bool) -> MoveTable:
    """The table every biobank request follows: review, a decision, then its own fulfilment.

    ``fulfilment`` names the request's two fulfilment statuses (being fulfilled, done); the
    researcher may withdraw until the work starts, or until it ends where
    ``withdraw_while_fulfilling``.
    """
    working, done = fulfilment
    return MoveTable(status, {
        status.SUBMITTED: {status.UNDER_REVIEW, status.DECLINED, status.WITHDRAWN},
        status.UNDER_REVIEW: {status.APPROVED, status.DECLINED, status.WITHDRAWN},
        status.APPROVED: {working, status.WITHDRAWN},
        working: {done, status.WITHDRAWN} if withdraw_while_fulfilling else {done},
        status.DECLINED: set(),
        done: set(),
        status.WITHDRAWN: set(),
    })


class BiobankRequest(models.Model):
    """What a sample request and a re-contact request have in common."""

    reference = models.CharField(max_length=20, unique=True, editable=False)
    researcher = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    irb_protocol = models.CharField(
        "IRB protocol number", max_length=40,
        validators=[RegexValidator(IRB_PROTOCOL_PATTERN,
                                   "Enter the IRB protocol number as on the approval letter, e.g. IRB-2026-0142.")],
    )
    title = models.CharField(max_length=200)
    criteria = models.JSONField(default=dict, help_text="The cohort query (see biobank.criteria).")
    decision_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    REFERENCE_PREFIX = ""
    # Moves a researcher may make on their own request; every other move is the biobank's.
    RESEARCHER_MOVES: frozenset[str] = frozenset({"withdrawn"})
    # The two statuses reached by fulfilling the request (reserving, distributing, selecting,
    # contacting), not offered in the plain status form; each request type names its own.
    FULFILMENT: tuple[str, str] = ("", "")

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.reference

    def allowed_moves(self) -> frozenset[str]:
        return self.MOVES.get(self.status, frozenset())

    def staff_moves(self) -> list[tuple[str, str]]:
        labels = dict(self.Status.choices)
        return [(value, labels[value]) for value in self.Status.values
                if value in self.allowed_moves() and value not in self.RESEARCHER_MOVES | set(self.FULFILMENT)]

    @property
    def researcher_can_withdraw(self) -> bool:
        return "withdrawn" in self.allowed_moves()


class SampleRequest(BiobankRequest):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", "Submitted"
        UNDER_REVIEW = "under_review", "Under review"
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined"
        FULFILLING = "fulfilling", "Being fulfilled"
        FULFILLED = "fulfilled", "Fulfilled"
        WITHDRAWN = "withdrawn", "Withdrawn"

    FULFILMENT = (Status.FULFILLING, Status.FULFILLED)
    MOVES = request_moves(Status, fulfilment=FULFILMENT, withdraw_while_fulfilling=True)
    OPEN = (Status.SUBMITTED, Status.UNDER_REVIEW, Status.APPROVED, Status.FULFILLING)
    REFERENCE_PREFIX = "BBS"

    samples_requested = models.PositiveIntegerField(
        "number of samples", validators=[MinValueValidator(1), MaxValueValidator(10_000)])
    purpose = models.TextField(help_text="What the samples are for, in a few sentences.")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.SUBMITTED)

    history = HistoricalRecords()

    class Meta(BiobankRequest.Meta):
        indexes = [models.Index(fields=["researcher", "-created_at"], name="samplerequest_researcher_idx"),
                   models.Index(fields=["status"], name="samplerequest_status_idx")]

    def get_absolute_url(self) -> str:
        return reverse("biobank:sample_request_detail", args=[self.reference])

    @property
    def number_requested(self) -> int:
        return self.samples_requested


class RecontactRequest(BiobankRequest):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", "Submitted"
        UNDER_REVIEW = "under_review", "Under review"
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined"
        CONTACTING = "contacting", "Participants being contacted"
        COMPLETED = "completed", "Completed"
        WITHDRAWN = "withdrawn", "Withdrawn"

    FULFILMENT = (Status.CONTACTING, Status.COMPLETED)
    MOVES = request_moves(Status, fulfilment=FULFILMENT, withdraw_while_fulfilling=False)
    OPEN = (Status.SUBMITTED, Status.UNDER_REVIEW, Status.APPROVED, Status.CONTACTING)
    # Selections of these requests are dropped when a participant withdraws or revokes consent.
    PENDING_CONTACT = (Status.APPROVED, Status.CONTACTING)
    REFERENCE_PREFIX = "BBC"

    participants_requested = models.PositiveIntegerField(
        "number of participants", validators=[MinValueValidator(1), MaxValueValidator(10_000)])
    message = models.TextField("message to participants",
                               help_text="The message the biobank will send to each participant, as written.")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.SUBMITTED)
    participants = models.ManyToManyField(Participant, through="RecontactSelection", related_name="+", blank=True)

    history = HistoricalRecords()

    class Meta(BiobankRequest.Meta):
        verbose_name = "re-contact request"
        indexes = [models.Index(fields=["researcher", "-created_at"], name="recontact_researcher_idx"),
                   models.Index(fields=["status"], name="recontact_status_idx")]

    def get_absolute_url(self) -> str:
        return reverse("biobank:recontact_request_detail", args=[self.reference])

    @property
    def number_requested(self) -> int:
        return self.participants_requested


class RecontactSelection(models.Model):
    """A participant the biobank chose to contact for a re-contact request."""

    request = models.ForeignKey(RecontactRequest, on_delete=models.CASCADE, related_name="selections")
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="recontact_selections")
    selected_at = models.DateTimeField(default=timezone.now)
    selected_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "re-contact selection"
        constraints = [models.UniqueConstraint(fields=["request", "participant"], name="recontact_selection_unique")]

    def __str__(self) -> str:
        return f"{self.participant} for {self.request}"


