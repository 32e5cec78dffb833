"""Production settings: ``check --deploy`` is silent with safe values; unsafe ones refuse to start.

Each case runs ``manage.py`` in a fresh process with DCR_ENV=production and throwaway values
(the settings are read once per process, so this cannot be done inside the test process).
"""

from __future__ import annotations

import base64
import os
import secrets
import subprocess  # nosec B404
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def production_env(**overrides) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("DJANGO_", "DCR_")) and key != "PYTEST_CURRENT_TEST"}
    env.update({
        "DCR_ENV": "production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DCR_FIELD_ENCRYPTION_KEY": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "DJANGO_ALLOWED_HOSTS": "dcr.example.org",
        "DATABASE_URL": os.environ.get("DATABASE_URL", "postgres://dcr@127.0.0.1:5432/dcr"),
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        "DCR_SITE_URL": "https://dcr.example.org",
    })
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def manage(*args, **overrides) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=production_env(**overrides),  # nosec B603
                          capture_output=True, text=True, timeout=120)


def test_check_deploy_reports_nothing_with_safe_values():
    result = manage("check", "--deploy", "--fail-level", "DEBUG")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_settings_are_strict():
    code = ("from django.conf import settings as s; print('SETTINGS', s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, "
            "s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.X_FRAME_OPTIONS, s.DEBUG, "
            "\"'unsafe-inline'\" in str(s.CONTENT_SECURITY_POLICY), s.LANGUAGE_COOKIE_SECURE, "
            "s.LANGUAGE_COOKIE_SAMESITE, s.LANGUAGE_COOKIE_HTTPONLY)")
    result = manage("shell", "-c", code)
    assert result.returncode == 0, result.stderr
    line = next(line for line in result.stdout.splitlines() if line.startswith("SETTINGS "))
    hsts, session_secure, csrf_secure, ssl_redirect, frame, debug, unsafe_inline, *language = line.split()[1:]
    assert int(hsts) >= 31536000
    assert (session_secure, csrf_secure, ssl_redirect, frame, debug, unsafe_inline) == (
        "True", "True", "True", "DENY", "False", "False")
    # The language cookie: over HTTPS only, not sent along from other sites, not read by scripts.
    assert language == ["True", "Lax", "True"]


@pytest.mark.parametrize("overrides, complaint", [
    ({"DJANGO_SECRET_KEY": None}, "DJANGO_SECRET_KEY"),
    ({"DJANGO_SECRET_KEY": "short"}, "DJANGO_SECRET_KEY"),
    ({"DJANGO_SECRET_KEY": "insecure-development-key-never-use-in-production"}, "DJANGO_SECRET_KEY"),
    ({"DJANGO_DEBUG": "1"}, "DJANGO_DEBUG"),
    ({"DJANGO_ALLOWED_HOSTS": None}, "DJANGO_ALLOWED_HOSTS"),
    ({"DCR_FIELD_ENCRYPTION_KEY": None}, "DCR_FIELD_ENCRYPTION_KEY"),
    ({"DATABASE_URL": None}, "DATABASE_URL"),
    ({"REDIS_URL": None}, "REDIS_URL"),
], ids=["no-secret", "short-secret", "development-secret", "debug-on", "no-hosts", "no-field-key", "no-db",
        "no-redis"])
def test_unsafe_values_refuse_to_start(overrides, complaint):
    result = manage("check", **overrides)
    assert result.returncode != 0
    assert "Unsafe production configuration" in result.stderr and complaint in result.stderr


SSO = {"DCR_OIDC_CLIENT_ID": "dcr-portal", "DCR_OIDC_CLIENT_SECRET": "a-secret-from-the-provider",
       "DCR_OIDC_AUTHORIZATION_ENDPOINT": "https://login.hospital.example.org/authorize",
       "DCR_OIDC_TOKEN_ENDPOINT": "https://login.hospital.example.org/token",
       "DCR_OIDC_USERINFO_ENDPOINT": "https://login.hospital.example.org/userinfo",
       "DCR_OIDC_JWKS_ENDPOINT": "https://login.hospital.example.org/jwks",
       "DCR_OIDC_ROLE_GROUPS": "dcr-study-team=Study team,dcr-biobank=Biobank staff"}


def test_check_deploy_stays_clean_with_single_sign_on_configured():
    result = manage("check", "--deploy", "--fail-level", "DEBUG", **SSO)
    assert result.returncode == 0, result.stdout + result.stderr
    shown = manage("shell", "-c", "from django.conf import settings as s; print('SSO', s.OIDC_ENABLED, "
                                  "s.OIDC_ROLE_GROUPS['dcr-biobank'], s.OIDC_USE_PKCE)", **SSO)
    assert "SSO True Biobank staff True" in shown.stdout, shown.stderr


@pytest.mark.parametrize("overrides, complaint", [
    ({"DCR_OIDC_TOKEN_ENDPOINT": None}, "DCR_OIDC_TOKEN_ENDPOINT"),
    ({"DCR_OIDC_JWKS_ENDPOINT": "http://login.hospital.example.org/jwks"}, "https://"),
], ids=["missing-endpoint", "plain-http"])
def test_half_configured_or_plain_http_single_sign_on_refuses_to_start(overrides, complaint):
    result = manage("check", **{**SSO, **overrides})
    assert result.returncode != 0 and complaint in result.stderr
