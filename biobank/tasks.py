from __future__ import annotations

from celery import shared_task

from . import importer


@shared_task(name="biobank.tasks.run_import_job", acks_late=True)
def run_import_job(job_id: int) -> str:
    """Run a CSV import uploaded at the staff desk; progress is read from the cache."""
    return importer.run_stored_job(job_id).status
