"""CSV imports of participants and samples, as the staff desk and the command line run them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

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
