"""A load as a job: the staff desk's upload (run by Celery) and ``manage.py import_ehr``, with progress."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.core.cache import cache
from django.utils import timezone

from ..models import EhrImport
from .engine import LoadResult, Progress, Source, load

logger = logging.getLogger("ehr.loader")
LOST_AFTER = timedelta(hours=2)


def progress_key(job_id: int) -> str:
    return f"ehr:import:{job_id}:progress"


def job_progress(job: EhrImport) -> dict:
    """Live progress of a running load (from the cache), or 100% once finished."""
    if job.is_finished:
        return {"done": job.bytes_total, "total": job.bytes_total, "percent": 100}
    state = cache.get(progress_key(job.pk)) or {"done": 0, "total": job.bytes_total}
    percent = int(100 * state["done"] / state["total"]) if state["total"] else 0
    return {**state, "percent": min(percent, 100)}


def run_job(job: EhrImport, sources: list[Source], *, extracted_at: datetime,
            progress: Progress | None = None) -> LoadResult:
    """Load ``sources`` for ``job``, keeping the job row and the live progress up to date."""
    job.bytes_total = sum(s.size for s in sources)
    job.status, job.started_at = EhrImport.Status.RUNNING, timezone.now()
    job.save(update_fields=["bytes_total", "status", "started_at"])

    def report(done: int, total: int) -> None:
        cache.set(progress_key(job.pk), {"done": done, "total": total}, 3600)
        if progress:
            progress(done, total)

    try:
        result = load(sources, extracted_at=extracted_at, skip_bad=job.skip_bad, progress=report)
    except Exception:
        logger.exception("EHR load %s stopped by an unexpected error", job.pk)
        job.status, job.finished_at, job.error_count = EhrImport.Status.FAILED, timezone.now(), 1
        job.errors = [{"file": "", "line": 0, "resource": "", "message": "The load stopped on an unexpected error; "
                       "nothing was loaded. The error was logged for the portal's maintainers."}]
        job.save(update_fields=["status", "finished_at", "errors", "error_count"])
        raise
    job.lines_read, job.facts_loaded, job.participants_loaded = result.lines, result.facts, result.participants
    job.summary = result.summary_lines()
    job.errors = [e.as_dict() for e in result.errors]
    job.error_count = result.error_count
    job.status = EhrImport.Status.REJECTED if result.rejected_files else EhrImport.Status.LOADED
    job.finished_at = timezone.now()
    job.save(update_fields=["lines_read", "facts_loaded", "participants_loaded", "summary", "errors", "error_count",
                            "status", "finished_at"])
    cache.delete(progress_key(job.pk))
    return result


def run_stored_job(job_id: int) -> EhrImport:
    """Load an extract uploaded at the staff desk, then delete the file (it holds other people's records)."""
    job = EhrImport.objects.get(pk=job_id)
    lost = job.status == EhrImport.Status.RUNNING and job.started_at and job.started_at < timezone.now() - LOST_AFTER
    if job.status != EhrImport.Status.QUEUED and not lost:
        return job
    try:
        source = Source(job.file_name, lambda: job.upload.open("rb"), job.upload.size)
        run_job(job, [source], extracted_at=job.extracted_at or job.created_at)
    except Exception:
        if job.status != EhrImport.Status.FAILED:
            logger.exception("EHR load %s could not read its file", job.pk)
            job.status, job.finished_at, job.error_count = EhrImport.Status.FAILED, timezone.now(), 1
            job.errors = [{"file": job.file_name, "line": 0, "resource": "",
                           "message": "The uploaded file could not be read; nothing was loaded."}]
            job.save(update_fields=["status", "finished_at", "errors", "error_count"])
    finally:
        if job.upload:
            job.upload.delete(save=False)
            EhrImport.objects.filter(pk=job.pk).update(upload="")
    return job
