"""The embedded default: with no DATABASE_URL / REDIS_URL the project runs its own servers.

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
    if os.environ.get("DATABASE_URL"):
        assert os.environ["DATABASE_URL"].startswith("postgres")
    else:
        assert host.endswith(os.path.join(".data", "pg")), host


def test_redis_answers_at_the_configured_url():
    if os.environ.get("REDIS_URL"):
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
