"""The study team's notes on one inquiry (loaded by ``studies.models``).

A note is protected like the inquiry's contact details: it may name the person or their health,
so it is listed in ``common.protected.PROTECTED_FIELDS``, every read by the team is audited,
and it never goes into an email or a log line.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

NOTE_MAX_LENGTH = 2000


class InterestNote(models.Model):
    interest = models.ForeignKey("studies.Interest", on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(max_length=NOTE_MAX_LENGTH)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        app_label = "studies"
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["interest", "created_at"], name="interest_note_idx")]

    def __str__(self) -> str:
        return f"Note #{self.pk} on {self.interest_id}"
