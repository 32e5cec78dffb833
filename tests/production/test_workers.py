"""Worker heartbeats in Redis: /readyz reports them, manage.py worker_health checks them."""

from __future__ import annotations

import uuid

import pytest
from django.core.management import CommandError, call_command

from common import workers


@pytest.fixture
def heartbeats(settings):
    """Heartbeats under a key prefix of this test alone, removed afterwards."""
    settings.CACHES = {"default": {**settings.CACHES["default"], "KEY_PREFIX": f"test-{uuid.uuid4().hex[:8]}"}}
    settings.WORKER_HEARTBEAT_SECONDS = 1
    yield
    client = workers.redis_client()
    client.delete(workers._key())
    client.close()


def test_a_worker_is_alive_after_its_heartbeat_and_gone_after_a_warm_shutdown(heartbeats):
    assert workers.alive() == {}
    workers.beat("worker@web1")
    assert set(workers.alive()) == {"worker@web1"}
    workers.forget("worker@web1")
    assert workers.alive() == {}


def test_a_worker_that_stopped_beating_counts_as_gone(heartbeats):
    client = workers.redis_client()
    seconds, _ = client.time()
    client.zadd(workers._key(), {"worker@lost": seconds - 4, "worker@fresh": seconds})  # stale after 3 s
    assert set(workers.alive()) == {"worker@fresh"}


def test_worker_health_passes_with_enough_workers_and_fails_without(heartbeats, capsys):
    workers.beat("worker@web1")
    call_command("worker_health", "--min", "1")
    assert "1 worker(s) alive" in capsys.readouterr().out
    call_command("worker_health", "--hostname", "worker@web1")
    with pytest.raises(CommandError, match="1 worker\\(s\\) alive, 2 needed"):
        call_command("worker_health", "--min", "2")
    with pytest.raises(CommandError, match="worker@web2 is not alive"):
        call_command("worker_health", "--hostname", "worker@web2")


@pytest.mark.django_db
def test_readyz_reports_live_workers_without_depending_on_them(heartbeats, client):
    assert client.get("/readyz").json()["workers"] == {"alive": 0}
    workers.beat("worker@web1")
    workers.beat("worker@web2")
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["workers"] == {"alive": 2}
