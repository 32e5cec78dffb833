"""Core settings: the profile, secrets, apps, middleware, templates and languages.

``DCR_ENV`` picks the profile: ``development`` (default), ``test`` or ``production``.
Production refuses to start with an unsafe value.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent

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
    "django.forms",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "simple_history",
    "axes",
    "csp",
    "common",
    "accounts",
    "centers",
    "notifications",
    "projects",
    "consultations",
    "budgets",
    "studies",
    "biobank",
    "ehr",
    "cohorts",
    "collaborations",
    "dashboards",
]

MIDDLEWARE = [
    "common.request_log.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "common.headers.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Reads request.user on the way out, so it sees every answer the middleware below gives.
    "common.headers.PrivatePagesMiddleware",
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
# Widgets render through the templates above, so templates/admin/widgets/ can give the staff desk's
# date and time inputs their labels ("django.forms" in INSTALLED_APPS keeps Django's own widgets).
FORM_RENDERER = "common.form_renderer.PortalFormRenderer"

# --- i18n ------------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("DCR_TIME_ZONE", "America/New_York")
USE_I18N = True
USE_TZ = True


DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
