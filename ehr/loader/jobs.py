"""A load as a job: the staff desk's upload (run by Celery) and ``manage.py import_ehr``, with progress."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from common.jobs import run_stored

from ..models import EhrImport
from .engine import LoadResult, Progress, Source, load

logger = logging.getLogger("ehr.loader")
LOST_AFTER = timedelta(hours=2)


def progress_key(job_id: int) -> str:
    return EhrImport(pk=job_id).progress_key


def job_progress(job: EhrImport) -> dict:
    """Live progress of a running load (from the cache), or 100% once finished."""
    return job.progress(job.bytes_total)


def run_job(job: EhrImport, sources: list[Source], *, extracted_at: datetime,
            progress: Progress | None = None) -> LoadResult:
    """Load ``sources`` for ``job``, keeping the job row and the live progress up to date."""
    job.start(bytes_total=sum(s.size for s in sources))

    def report(done: int, total: int) -> None:
        job.report_progress(done=done, total=total)
        if progress:
            progress(done, total)

    try:
        result = load(sources, extracted_at=extracted_at, skip_bad=job.skip_bad, progress=report)
    except Exception:
        logger.exception("EHR load %s stopped by an unexpected error", job.pk)
        job.fail({"file": "", "line": 0, "resource": "", "message": "The load stopped on an unexpected error; "
                  "nothing was loaded. The error was logged for the portal's maintainers."})
        raise
    job.finish(EhrImport.Status.REJECTED if result.rejected_files else EhrImport.Status.LOADED,
               lines_read=result.lines, facts_loaded=result.facts, participants_loaded=result.participants,
               summary=result.summary_lines(), errors=[e.as_dict() for e in result.errors],
               error_count=result.error_count)
    return result


def run_stored_job(job_id: int) -> EhrImport:
    """Load an extract uploaded at the staff desk, then delete the file (it holds other people's records)."""
    job = EhrImport.objects.get(pk=job_id)
    return run_stored(
        job, lambda job: run_job(job, [Source(job.file_name, lambda: job.upload.open("rb"), job.upload.size)],
                                 extracted_at=job.extracted_at or job.created_at),
        lost_after=LOST_AFTER, logger=logger,
        unreadable={"file": job.file_name, "line": 0, "resource": "",
                    "message": "The uploaded file could not be read; nothing was loaded."})
