"""CSV imports of participants and samples, as the staff desk and the command line run them."""

from __future__ import annotations

from django.db import models

from common.jobs import Job


class ImportJob(Job):
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
    PROGRESS_PREFIX = "biobank:import"

    kind = models.CharField(max_length=12, choices=Kind.choices)
    # Participant files carry MRNs: the upload is deleted as soon as the import has run.
    upload = models.FileField(upload_to="biobank-imports/", blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    rows_total = models.PositiveIntegerField(default=0)
    rows_imported = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True, help_text="The first row errors: row, column, message.")

    class Meta(Job.Meta):
        verbose_name = "CSV import"

    def __str__(self) -> str:
        return f"Import #{self.pk} of {self.get_kind_display().lower()} ({self.file_name})"
