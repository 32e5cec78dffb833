"""ClinicalTrials.gov: where the sync reads (API v2) and which registry sites are ours."""

import os
from datetime import timedelta

from .services import CELERY_BEAT_SCHEDULE

# The registry's API v2 (a test points it at a local server serving recorded pages).
CTGOV_API_BASE = os.environ.get("DCR_CTGOV_API_BASE", "https://clinicaltrials.gov/api/v2").rstrip("/")
# The search the sync pulls, as API v2 query parameters (e.g. query.locn=Our Hospital&query.spons=...).
CTGOV_SYNC_QUERY = os.environ.get("DCR_CTGOV_SYNC_QUERY", "")
CTGOV_SYNC_CENTER = os.environ.get("DCR_CTGOV_SYNC_CENTER", "center-for-clinical-trials")
CTGOV_SYNC_PAGE_SIZE = int(os.environ.get("DCR_CTGOV_SYNC_PAGE_SIZE", "100"))
CTGOV_SYNC_TIMEOUT_SECONDS = float(os.environ.get("DCR_CTGOV_SYNC_TIMEOUT_SECONDS", "30"))
# Facility names of our own sites (comma separated): a registry site whose facility contains one is ours.
CTGOV_OUR_FACILITIES = [name.strip() for name in os.environ.get("DCR_CTGOV_OUR_FACILITIES", "").split(",")
                        if name.strip()]

# The sync runs nightly (it does nothing until a search is configured).
CELERY_BEAT_SCHEDULE["ctgov-sync"] = {"task": "studies.tasks.sync_ctgov", "schedule": timedelta(hours=24)}
# Study alerts: matched hourly; each alert gets at most one digest per day or ISO week (its frequency).
CELERY_BEAT_SCHEDULE["study-alerts"] = {"task": "studies.tasks.send_study_alerts", "schedule": timedelta(hours=1)}
