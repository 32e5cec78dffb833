"""Import jobs: the staff desk's upload (run by Celery) and ``manage.py import_biobank``, with progress."""

from __future__ import annotations

import io
import logging
from datetime import timedelta
from typing import IO

from django.core.cache import cache
from django.utils import timezone

from ..models import ImportJob
from .engine import Progress, import_csv
from .report import ImportResult, RowError

logger = logging.getLogger("biobank.importer")
# A job still "running" after this long lost its worker (100,000 rows take well under a minute).
LOST_AFTER = timedelta(minutes=30)


def progress_key(job_id: int) -> str:
    return f"biobank:import:{job_id}:progress"


def job_progress(job: ImportJob) -> dict:
    """Live progress of a running job (from the cache), or its final figures."""
    if job.is_finished:
        return {"phase": "done", "done": job.rows_total, "total": job.rows_total, "percent": 100}
    state = cache.get(progress_key(job.pk)) or {"phase": "waiting", "done": 0, "total": job.rows_total}
    total = state["total"] or job.rows_total or 0
    percent = int(100 * state["done"] / total) if total else 0
    return {**state, "total": total, "percent": min(percent, 100)}


def count_data_rows(binary: IO[bytes]) -> int:
    """Lines under the header, counted fast without parsing (for the progress bar)."""
    lines, last = 0, b"\n"
    for chunk in iter(lambda: binary.read(1 << 20), b""):
        lines += chunk.count(b"\n")
        last = chunk[-1:]
    binary.seek(0)
    if last != b"\n":
        lines += 1
    return max(lines - 1, 0)


def run_job(job: ImportJob, binary: IO[bytes], *, user=None, progress: Progress | None = None) -> ImportResult:
    """Run an import job over an open binary file, keeping the job row and live progress up to date."""
    job.rows_total = count_data_rows(binary)
    job.status, job.started_at = ImportJob.Status.RUNNING, timezone.now()
    job.save(update_fields=["rows_total", "status", "started_at"])

    def report(phase: str, done: int, total: int) -> None:
        cache.set(progress_key(job.pk), {"phase": phase, "done": done, "total": total}, 3600)
        if progress:
            progress(phase, done, total)

    text = io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")
    try:
        result = import_csv(text, job.kind, user=user or job.created_by, progress=report,
                            total_rows=job.rows_total, file_name=job.file_name)
    except Exception:
        logger.exception("biobank import job %s stopped by an unexpected error", job.pk)
        job.status, job.finished_at = ImportJob.Status.FAILED, timezone.now()
        job.errors = [RowError(0, "", "The import stopped on an unexpected error; nothing was imported. "
                                      "The error was logged for the portal's maintainers.").as_dict()]
        job.error_count = 1
        job.save(update_fields=["status", "finished_at", "errors", "error_count"])
        raise
    finally:
        text.detach()
    job.rows_total = result.rows
    job.rows_imported = result.imported
    job.error_count = result.error_count
    job.errors = [e.as_dict() for e in result.errors]
    job.status = ImportJob.Status.IMPORTED if result.ok else ImportJob.Status.REJECTED
    job.finished_at = timezone.now()
    job.save(update_fields=["rows_total", "rows_imported", "error_count", "errors", "status", "finished_at"])
    cache.delete(progress_key(job.pk))
    return result


def run_stored_job(job_id: int) -> ImportJob:
    """Run a job whose file was uploaded to the staff desk, then delete the file (it may hold MRNs)."""
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    # A job left "running" by a worker that died wrote nothing (one transaction), so it may run again.
    lost = (job.status == ImportJob.Status.RUNNING and job.started_at
            and job.started_at < timezone.now() - LOST_AFTER)
    if job.status != ImportJob.Status.QUEUED and not lost:
        return job
    if lost:
        logger.warning("biobank import job %s was left running since %s; running it again", job.pk, job.started_at)
    try:
        with job.upload.open("rb") as binary:
            run_job(job, binary)
    except Exception:
        if job.status != ImportJob.Status.FAILED:  # run_job records its own failures
            logger.exception("biobank import job %s could not read its file", job.pk)
            job.status, job.finished_at, job.error_count = ImportJob.Status.FAILED, timezone.now(), 1
            job.errors = [RowError(0, "", "The uploaded file could not be read; nothing was imported.").as_dict()]
            job.save(update_fields=["status", "finished_at", "errors", "error_count"])
    finally:
        if job.upload:
            job.upload.delete(save=False)
            ImportJob.objects.filter(pk=job.pk).update(upload="")
    return job
