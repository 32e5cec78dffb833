"""The embedded default: with no DATABASE_URL / REDIS_URL the project runs its own servers.

The test setup (tests/services_plugin.py) starts them and marks which with DCR_EMBEDDED_*.

CI runs this module a second time with both URLs unset; with them set, it checks the URLs
are the ones used.
"""

import os

import pytest
import redis
from django.conf import settings
from django.db import connection


@pytest.mark.django_db
def test_database_is_postgresql_from_the_url_or_embedded():
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        assert cursor.fetchone()[0].startswith("PostgreSQL")
    host = settings.DATABASES["default"]["HOST"]
    if not os.environ.get("DCR_EMBEDDED_POSTGRES"):
        assert os.environ["DATABASE_URL"].startswith("postgres")
    else:
        assert host.endswith(os.path.join(".data", "pg")), host


def test_redis_answers_at_the_configured_url():
    if not os.environ.get("DCR_EMBEDDED_REDIS"):
        client = redis.Redis.from_url(settings.REDIS_URL)
    else:
        assert settings.REDIS_URL.startswith("redis+socket://")
        client = redis.Redis(unix_socket_path=settings.REDIS_URL.removeprefix("redis+socket://"))
    assert client.ping()


@pytest.mark.django_db
def test_home_page_is_served(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "Division of Clinical Research" in response.content.decode()


def test_importing_settings_starts_no_server(tmp_path):
    """Settings read the URLs from the environment; without them they refuse, starting nothing."""
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env["DCR_DATA_DIR"] = str(tmp_path)
    result = subprocess.run(
        [sys.executable, "-c", "import dcr_portal.settings"], env=env, capture_output=True, text=True,
        cwd=settings.BASE_DIR,
    )
    assert result.returncode != 0
    assert "DATABASE_URL and REDIS_URL must be set" in result.stderr
    assert list(tmp_path.iterdir()) == []
