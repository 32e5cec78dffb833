"""One shape for background file jobs (the biobank's CSV imports, the EHR extract loads): who
started what and how it went (an abstract model: the kernel still holds no table), live progress
in the cache while it runs, and the lifecycle of a file uploaded at the staff desk.

A job model inherits ``Job``, declares its ``Status`` (with at least QUEUED, RUNNING, REJECTED and
FAILED), its ``status`` field, its ``upload`` and its ``errors`` (their meaning is its own), and sets
``PROGRESS_PREFIX`` and ``FINISHED``."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import models
from django.utils import timezone

PROGRESS_SECONDS = 3600  # a running job's progress outlives any job


class Job(models.Model):
    PROGRESS_PREFIX = "job"  # the cache key of a running job's progress: "<prefix>:<id>:progress"
    FINISHED: tuple = ()

    file_name = models.CharField(max_length=255)
    source = models.CharField(max_length=10, choices=[("admin", "Staff desk"), ("command", "Command line")],
                              default="admin")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error_count = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED

    @property
    def duration_seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None

    # --- progress, in the cache while the job runs ---------------------------------------------

    @property
    def progress_key(self) -> str:
        return progress_key(self.PROGRESS_PREFIX, self.pk)

    def report_progress(self, **state) -> None:
        cache.set(self.progress_key, state, PROGRESS_SECONDS)

    def progress(self, total: int, **waiting) -> dict:
        """Live progress of a running job ({..., done, total, percent}), or 100% once finished."""
        if self.is_finished:
            return {**waiting, "done": total, "total": total, "percent": 100}
        state = cache.get(self.progress_key) or {**waiting, "done": 0, "total": total}
        whole = state["total"] or total or 0
        percent = int(100 * state["done"] / whole) if whole else 0
        return {**state, "total": whole, "percent": min(percent, 100)}

    # --- status ----------------------------------------------------------------------------------

    def start(self, **fields) -> None:
        """Running from now; ``fields`` (say the size of the file) are saved with it."""
        for name, value in fields.items():
            setattr(self, name, value)
        self.status, self.started_at = self.Status.RUNNING, timezone.now()
        self.save(update_fields=[*fields, "status", "started_at"])

    def finish(self, status: str, **fields) -> None:
        """Finished with ``status``; ``fields`` (the figures, the errors) are saved with it."""
        for name, value in fields.items():
            setattr(self, name, value)
        self.status, self.finished_at = status, timezone.now()
        self.save(update_fields=[*fields, "status", "finished_at"])
        cache.delete(self.progress_key)

    def fail(self, error: dict) -> None:
        """Stopped by an unexpected error (``error`` is what the staff see; the details go to the log)."""
        self.finish(self.Status.FAILED, errors=[error], error_count=1)

    def is_lost(self, after: timedelta) -> bool:
        """Left running by a worker that died: it wrote nothing (one transaction), so it may run again."""
        return bool(self.status == self.Status.RUNNING and self.started_at
                    and self.started_at < timezone.now() - after)


def progress_key(prefix: str, job_id: int) -> str:
    return f"{prefix}:{job_id}:progress"


def run_stored(job: Job, run: Callable[[Job], object], *, lost_after: timedelta, unreadable: dict,
               logger: logging.Logger) -> Job:
    """Run ``job`` on the file uploaded for it, unless it ran already, then delete the file (uploads hold
    people's identifiers or records). A file that cannot be read fails the job with ``unreadable``."""
    lost = job.is_lost(lost_after)
    if job.status != job.Status.QUEUED and not lost:
        return job
    if lost:
        logger.warning("%s was left running since %s; running it again", job, job.started_at)
    try:
        run(job)
    except Exception:
        if job.status != job.Status.FAILED:  # the job's own run records the failures it catches
            logger.exception("%s could not read its file", job)
            job.fail(unreadable)
    finally:
        if job.upload:
            job.upload.delete(save=False)
            type(job).objects.filter(pk=job.pk).update(upload="")
    return job
