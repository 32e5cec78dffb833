from __future__ import annotations

from celery import shared_task

from .loader import jobs


@shared_task(name="ehr.tasks.run_ehr_import", acks_late=True)
def run_ehr_import(job_id: int) -> str:
    """Load an extract uploaded at the staff desk; progress is read from the cache."""
    return jobs.run_stored_job(job_id).status
