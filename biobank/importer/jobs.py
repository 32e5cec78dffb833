"""Import jobs: the staff desk's upload (run by Celery) and ``manage.py import_biobank``, with progress."""

from __future__ import annotations

import io
import logging
from datetime import timedelta
from typing import IO

from common.jobs import run_stored

from ..models import ImportJob
from .engine import Progress, import_csv
from .report import ImportResult, RowError

logger = logging.getLogger("biobank.importer")
# A job still "running" after this long lost its worker (100,000 rows take well under a minute).
LOST_AFTER = timedelta(minutes=30)


def progress_key(job_id: int) -> str:
    return ImportJob(pk=job_id).progress_key


def job_progress(job: ImportJob) -> dict:
    """Live progress of a running job (from the cache), or its final figures."""
    return job.progress(job.rows_total, phase="done" if job.is_finished else "waiting")


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
    job.start(rows_total=count_data_rows(binary))

    def report(phase: str, done: int, total: int) -> None:
        job.report_progress(phase=phase, done=done, total=total)
        if progress:
            progress(phase, done, total)

    text = io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")
    try:
        result = import_csv(text, job.kind, user=user or job.created_by, progress=report,
                            total_rows=job.rows_total, file_name=job.file_name)
    except Exception:
        logger.exception("biobank import job %s stopped by an unexpected error", job.pk)
        job.fail(RowError(0, "", "The import stopped on an unexpected error; nothing was imported. "
                                 "The error was logged for the portal's maintainers.").as_dict())
        raise
    finally:
        text.detach()
    job.finish(ImportJob.Status.IMPORTED if result.ok else ImportJob.Status.REJECTED, rows_total=result.rows,
               rows_imported=result.imported, error_count=result.error_count,
               errors=[e.as_dict() for e in result.errors])
    return result


def run_stored_job(job_id: int) -> ImportJob:
    """Run a job whose file was uploaded to the staff desk, then delete the file (it may hold MRNs)."""
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)

    def run(job: ImportJob) -> None:
        with job.upload.open("rb") as binary:
            run_job(job, binary)

    return run_stored(job, run, lost_after=LOST_AFTER, logger=logger,
                      unreadable=RowError(0, "", "The uploaded file could not be read; nothing was imported.").as_dict())
