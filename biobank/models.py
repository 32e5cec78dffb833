"""The biobank's records: consented participants, their samples, and researchers' requests.

A participant is known everywhere by a pseudonymous biobank id; the MRN that links them to
the health record is encrypted at rest (see ``biobank.crypto``) and shown only to biobank
staff, one logged reveal at a time.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from common.workflow import MoveTable

from . import crypto

BIOBANK_ID_PATTERN = re.compile(r"^BB\d{7}$")
BARCODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9-]{2,31}$")
IRB_PROTOCOL_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9./-]{2,39}$"
EARLIEST_BIRTH_YEAR = 1900


class Sex(models.TextChoices):
    FEMALE = "F", "Female"
    MALE = "M", "Male"
    UNKNOWN = "U", "Unknown or not recorded"


class Participant(models.Model):
    """A patient who consented to the research use of their samples."""

    biobank_id = models.CharField(
        "biobank id", max_length=9, unique=True,
        validators=[RegexValidator(BIOBANK_ID_PATTERN, "A biobank id is BB followed by 7 digits, e.g. BB0001234.")],
        help_text="Pseudonymous id, used everywhere instead of the MRN.",
    )
    # The MRN exists only as ciphertext and a keyed digest; use ``mrn`` / ``reveal_mrn()``.
    mrn_encrypted = models.TextField(editable=False)
    mrn_hash = models.CharField(max_length=64, editable=False)  # unique: participant_mrn_hash_unique
    sex = models.CharField(max_length=1, choices=Sex.choices)
    birth_year = models.PositiveSmallIntegerField(validators=[MinValueValidator(EARLIEST_BIRTH_YEAR)])
    consent_research = models.BooleanField("consents to research use", default=True)
    consent_recontact = models.BooleanField("consents to re-contact", default=False)
    consent_date = models.DateField(null=True, blank=True)
    consent_version = models.CharField(max_length=20, blank=True, help_text="Version of the consent form signed.")
    withdrawn_on = models.DateField(
        "withdrawal date", null=True, blank=True, editable=False,
        help_text="Set by recording a withdrawal; a withdrawn participant's samples are never offered.",
    )
    genotyped = models.BooleanField(default=False)
    genotyping_platform = models.CharField(max_length=60, blank=True)
    genotyping_batch = models.CharField(max_length=60, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    # History is looked up by participant (id) and date; further indexes only slow imports. Who
    # made a change is kept without a foreign key constraint: an import writes a history row per
    # participant, and the database would check the same user once for each of them.
    history = HistoricalRecords(no_db_index=["biobank_id", "mrn_hash"], user_db_constraint=False)

    class Meta:
        ordering = ["biobank_id"]
        permissions = [("reveal_mrn", "Can reveal and export a participant's MRN")]
        constraints = [
            models.CheckConstraint(condition=Q(birth_year__gte=EARLIEST_BIRTH_YEAR), name="participant_birth_year_min"),
            # A constraint, not unique=True: the digest is only ever matched exactly, so it needs no
            # second (LIKE) index, which unique=True adds on PostgreSQL.
            models.UniqueConstraint(fields=["mrn_hash"], name="participant_mrn_hash_unique"),
        ]
        indexes = [
            # The cohort query: participants who may be offered, by sex and birth year.
            models.Index(fields=["sex", "birth_year"], name="participant_offerable_idx",
                         condition=Q(consent_research=True, withdrawn_on__isnull=True)),
            models.Index(fields=["withdrawn_on"], name="participant_withdrawn_idx",
                         condition=Q(withdrawn_on__isnull=False)),
        ]

    def __str__(self) -> str:
        return self.biobank_id

    @property
    def mrn(self) -> str:
        raise AttributeError("The MRN is protected: call reveal_mrn() after recording the access")

    @mrn.setter
    def mrn(self, value: str) -> None:
        normalized = crypto.validate_mrn(value)
        self.mrn_encrypted = crypto.encrypt_mrn(normalized)
        self.mrn_hash = crypto.mrn_digest(normalized)

    def reveal_mrn(self) -> str:
        """The plaintext MRN. Callers record the access first (accounts.audit.record_access)."""
        return crypto.decrypt_mrn(self.mrn_encrypted)

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_on is not None

    @property
    def is_offerable(self) -> bool:
        return self.consent_research and self.withdrawn_on is None


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
    freezer = models.CharField(max_length=20)
    rack = models.CharField(max_length=20)
    box = models.CharField(max_length=20)
    position = models.CharField(max_length=20)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.AVAILABLE)
    reserved_for = models.ForeignKey(
        "SampleRequest", on_delete=models.PROTECT, null=True, blank=True, related_name="samples", db_index=False,
        help_text="The request this sample is reserved for, or was distributed to.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    # As for participants: no index nobody looks up by, and who made a change without a constraint.
    history = HistoricalRecords(no_db_index=["barcode", "participant", "reserved_for"], user_db_constraint=False)

    class Meta:
        ordering = ["barcode"]
        constraints = [
            # A constraint, not unique=True: barcodes are only ever matched exactly, so they need no
            # second (LIKE) index, which unique=True adds on PostgreSQL.
            models.UniqueConstraint(fields=["barcode"], name="sample_barcode_unique"),
            models.UniqueConstraint(fields=["freezer", "rack", "box", "position"], name="sample_one_per_position",
                                    condition=Q(status__in=["available", "reserved", "withdrawn"]),
                                    violation_error_message="Another sample is stored at this position."),
            models.CheckConstraint(condition=Q(quantity__gte=0), name="sample_quantity_not_negative"),
            models.CheckConstraint(
                condition=Q(reserved_for__isnull=True) | Q(status__in=["reserved", "distributed"]),
                name="sample_reserved_for_only_when_reserved",
            ),
        ]
        indexes = [
            models.Index(fields=["sample_type", "status"], name="sample_type_status_idx"),
            models.Index(fields=["status", "id"], name="sample_status_idx"),
            # Most samples are reserved for nothing: only the others are indexed.
            models.Index(fields=["reserved_for"], name="sample_reserved_for_idx",
                         condition=Q(reserved_for__isnull=False)),
            # Freezer lookups use sample_one_per_position; each further index slows every import.
        ]

    def __str__(self) -> str:
        return self.barcode

    @property
    def location(self) -> str:
        return f"{self.freezer} / {self.rack} / {self.box} / {self.position}"


class Withdrawal(models.Model):
    """A participant withdrew: when, why, who recorded it, and what it took out of circulation."""

    participant = models.OneToOneField(Participant, on_delete=models.PROTECT, related_name="withdrawal")
    withdrawn_on = models.DateField("withdrawal date")
    reason = models.TextField(help_text="Why, as the participant or the record says it.")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    samples_made_unavailable = models.PositiveIntegerField(default=0)
    reservations_released = models.PositiveIntegerField(default=0)
    recontacts_cancelled = models.PositiveIntegerField(default=0)
    requests_affected = models.JSONField(default=list, blank=True,
                                         help_text="References of requests that lost a sample or a participant.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["-recorded_at"]

    def __str__(self) -> str:
        return f"Withdrawal of {self.participant}"


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


class ImportJob(models.Model):
    """One CSV import of participants or samples: who, what, how far, and every row error."""

    class Kind(models.TextChoices):
        PARTICIPANTS = "participants", "Participants"
        SAMPLES = "samples", "Samples"

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Importing"
        REJECTED = "rejected", "Rejected: the file has errors, nothing was imported"
        IMPORTED = "imported", "Imported"
        FAILED = "failed", "Stopped by an unexpected error, nothing was imported"

    FINISHED = (Status.REJECTED, Status.IMPORTED, Status.FAILED)

    kind = models.CharField(max_length=12, choices=Kind.choices)
    file_name = models.CharField(max_length=255)
    # Participant files carry MRNs: the upload is deleted as soon as the import has run.
    upload = models.FileField(upload_to="biobank-imports/", blank=True)
    source = models.CharField(max_length=10, choices=[("admin", "Staff desk"), ("command", "Command line")],
                              default="admin")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    rows_total = models.PositiveIntegerField(default=0)
    rows_imported = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True, help_text="The first row errors: row, column, message.")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "CSV import"

    def __str__(self) -> str:
        return f"Import #{self.pk} of {self.get_kind_display().lower()} ({self.file_name})"

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED

    @property
    def duration_seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None
