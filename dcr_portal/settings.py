"""DCR Portal settings: every value comes from the environment (see README, "Configuration").

``DCR_ENV`` picks the profile: ``development`` (default), ``test`` or ``production``.
Production refuses to start with an unsafe value.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

ENVIRONMENT = os.environ.get("DCR_ENV", "development")
if ENVIRONMENT not in {"development", "test", "production"}:
    raise ImproperlyConfigured("DCR_ENV must be development, test or production")
PRODUCTION = ENVIRONMENT == "production"


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


_INSECURE_KEY = "insecure-development-key-never-use-in-production"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "" if PRODUCTION else _INSECURE_KEY)
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
# Key that encrypts protected fields at rest (biobank MRN). A urlsafe base64 32-byte key.
FIELD_ENCRYPTION_KEY = os.environ.get(
    "DCR_FIELD_ENCRYPTION_KEY", "" if PRODUCTION else "ZGV2ZWxvcG1lbnQtb25seS1rZXktMzItYnl0ZXMhIQ=="
)
SITE_URL = os.environ.get("DCR_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# How many reverse proxies append to X-Forwarded-For in front of the web servers (0: none).
TRUSTED_PROXIES = int(os.environ.get("DCR_TRUSTED_PROXIES", "0"))

if PRODUCTION:
    problems = []
    if DEBUG:
        problems.append("DJANGO_DEBUG must be off")
    if not SECRET_KEY or SECRET_KEY == _INSECURE_KEY or len(SECRET_KEY) < 50:
        problems.append("DJANGO_SECRET_KEY must be set to a random value of 50+ characters")
    if not ALLOWED_HOSTS:
        problems.append("DJANGO_ALLOWED_HOSTS must list the site's host names")
    if not FIELD_ENCRYPTION_KEY:
        problems.append("DCR_FIELD_ENCRYPTION_KEY must be set")
    if not os.environ.get("DATABASE_URL") or not os.environ.get("REDIS_URL"):
        problems.append("DATABASE_URL and REDIS_URL must be set")
    if problems:
        raise ImproperlyConfigured("Unsafe production configuration: " + "; ".join(problems))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "simple_history",
    "axes",
    "csp",
    "accounts",
    "centers",
    "notifications",
    "consultations",
    "studies",
    "biobank",
    "collaborations",
    "dashboards",
]

MIDDLEWARE = [
    "dcr_portal.request_log.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "dcr_portal.urls"
WSGI_APPLICATION = "dcr_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.roles",
            ],
        },
    },
]

# --- Services: PostgreSQL always; embedded servers when no URL is given -----------------
if os.environ.get("DATABASE_URL"):
    DATABASE_URL = os.environ["DATABASE_URL"]
else:
    from dcr_portal import embedded

    DATABASE_URL = embedded.postgres_url()
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=int(os.environ.get("DCR_DB_CONN_MAX_AGE", "60")))}
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if not DATABASES["default"]["ENGINE"].endswith("postgresql"):
    raise ImproperlyConfigured("DATABASE_URL must point to PostgreSQL")

if os.environ.get("REDIS_URL"):
    REDIS_URL = os.environ["REDIS_URL"]
else:
    from dcr_portal import embedded

    REDIS_URL = embedded.redis_url()
# redis-py spells a unix socket "unix://", kombu "redis+socket://".
_CACHE_REDIS_URL = REDIS_URL.replace("redis+socket://", "unix://", 1)

CACHES = {
    "default": {
        "BACKEND": "dcr_portal.cache.RedisCache",
        "LOCATION": _CACHE_REDIS_URL,
        "KEY_PREFIX": os.environ.get("DCR_CACHE_PREFIX", "dcr"),
        "TIMEOUT": 300,
    }
}
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_BEAT_SCHEDULE = {
    "requeue-stuck-outbox": {
        "task": "notifications.tasks.requeue_stuck_emails",
        "schedule": timedelta(minutes=2),
    },
}

# --- Auth ------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.CachedPermissionsBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:my_account"
LOGOUT_REDIRECT_URL = "home"
SESSION_COOKIE_AGE = int(os.environ.get("DCR_SESSION_AGE_SECONDS", str(60 * 60 * 8)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
PASSWORD_RESET_TIMEOUT = 60 * 60 * 2

AXES_FAILURE_LIMIT = int(os.environ.get("DCR_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# The lockout reads the client's address the way the rate limits do (through trusted proxies).
AXES_CLIENT_IP_CALLABLE = "dcr_portal.ratelimit.axes_client_ip"

# --- Email: sent by Celery from the outbox ---------------------------------------------
EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend"
                               if PRODUCTION else "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "DCR Portal <no-reply@dcr.example.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- i18n ------------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("DCR_TIME_ZONE", "America/New_York")
USE_I18N = True
USE_TZ = True

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
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Security --------------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# Content Security Policy: no inline script or style anywhere, nothing from other origins.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- Logging: protected values are scrubbed from every record --------------------------
LOG_FORMAT = os.environ.get("DCR_LOG_FORMAT", "json" if PRODUCTION else "plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "scrub_protected": {"()": "accounts.logging.ProtectedDataFilter"},
        "request_id": {"()": "dcr_portal.request_log.RequestIdFilter"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT,
                    "filters": ["request_id", "scrub_protected"]},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DCR_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Django's own request log repeats the access line (and would print query strings).
        "django.server": {"level": "WARNING"},
        "django.request": {"level": "ERROR"},
    },
}
# Celery keeps Django's logging instead of installing its own handlers.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Outbox tuning
OUTBOX_MAX_ATTEMPTS = int(os.environ.get("DCR_OUTBOX_MAX_ATTEMPTS", "6"))
OUTBOX_STUCK_AFTER = timedelta(minutes=int(os.environ.get("DCR_OUTBOX_STUCK_MINUTES", "5")))
# First retry after this many seconds, then doubling (capped at one hour).
OUTBOX_BACKOFF_BASE_SECONDS = int(os.environ.get("DCR_OUTBOX_BACKOFF_BASE_SECONDS", "30"))

# Outside production, WhiteNoise serves static files straight from static/ (no collectstatic).
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION

# Sign-in lockout counts failures per account whatever the case of the typed email.
AXES_USERNAME_CALLABLE = "accounts.lockout.lockout_username"

# Consultation requests still waiting for triage after two working days: remind the centre, once.
CELERY_BEAT_SCHEDULE["consultations-overdue"] = {
    "task": "consultations.tasks.remind_overdue_requests", "schedule": timedelta(hours=1),
}

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

# A message a worker took and never acknowledged (the worker was killed) goes back to the
# queue after this many seconds; keep it above the longest task.
CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] = int(os.environ.get("DCR_BROKER_VISIBILITY_TIMEOUT", "3600"))
if CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] < 600:
    CELERY_BROKER_TRANSPORT_OPTIONS.update(unacked_restore_interval=1, unacked_restore_throttle=1)
# Several portals (staging, production) on one Redis: a prefix keeps their queues apart.
if os.environ.get("DCR_BROKER_KEY_PREFIX"):
    CELERY_BROKER_TRANSPORT_OPTIONS["global_keyprefix"] = os.environ["DCR_BROKER_KEY_PREFIX"]
WORKER_HEARTBEAT_SECONDS = float(os.environ.get("DCR_WORKER_HEARTBEAT_SECONDS", "30"))

# Two-step sign-in for staff (optional, accounts/two_step.py): TOTP devices from django-otp; a
# staff session that has a device but skipped the code is sent to the code step before any page.
INSTALLED_APPS += ["django_otp", "django_otp.plugins.otp_totp"]
MIDDLEWARE.insert(MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
                  "django_otp.middleware.OTPMiddleware")
MIDDLEWARE.insert(MIDDLEWARE.index("django_otp.middleware.OTPMiddleware") + 1, "accounts.two_step.TwoStepMiddleware")
OTP_TOTP_ISSUER = "DCR Portal"
OTP_TOTP_THROTTLE_FACTOR = 1
