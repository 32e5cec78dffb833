"""Static files and uploads: on this machine's disk or in a private S3-compatible bucket."""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from .base import BASE_DIR, PRODUCTION

# --- Static and uploaded files ---------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("DCR_STATIC_ROOT", BASE_DIR / "staticfiles"))
# Uploaded files (consultation attachments) are private: never under static/, never served
# by the web server directly; views stream them after a permission check.
MEDIA_ROOT = Path(os.environ.get("DCR_MEDIA_ROOT", BASE_DIR / ".data" / "media"))
MEDIA_URL = "/media-not-served/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# Outside production, WhiteNoise serves static files straight from static/ (no collectstatic).
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION

# --- Several machines: shared file storage, broker tuning, worker heartbeats -------------
# Uploads live where every web server and worker reaches them: a local (or mounted) folder,
# or an S3-compatible bucket (private; files are streamed by the permission-checked views,
# never linked to). Credentials come from the usual AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY
# variables or the machine's role, read by boto3 itself.
DCR_STORAGE = os.environ.get("DCR_STORAGE", "local")
if DCR_STORAGE == "s3":
    if not os.environ.get("AWS_STORAGE_BUCKET_NAME"):
        raise ImproperlyConfigured("DCR_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME")
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["AWS_STORAGE_BUCKET_NAME"],
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "location": os.environ.get("AWS_LOCATION", "media"),
            "default_acl": "private",
            "querystring_auth": False,  # no signed links: downloads go through the portal's views
            "file_overwrite": False,
        },
    }
elif DCR_STORAGE != "local":
    raise ImproperlyConfigured("DCR_STORAGE must be local or s3")

