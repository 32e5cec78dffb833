"""Participants: the people who gave samples, their consent, and their withdrawal.

A participant is known everywhere by a pseudonymous biobank id; the MRN that links them to
the health record is encrypted at rest (see ``biobank.crypto``) and shown only to biobank
staff, one logged reveal at a time.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .. import crypto

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
            # The cohort query: participants who may be offered, by sex and birth year, with what else
            # it asks of them, so that the index alone answers (an index-only scan).
            models.Index(fields=["sex", "birth_year"], include=["genotyped", "consent_recontact", "id"],
                         name="participant_offerable_idx", condition=Q(consent_research=True, withdrawn_on__isnull=True)),
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


