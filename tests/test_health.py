"""Health endpoints the load balancer polls."""

from unittest import mock

import pytest


def test_healthz_answers_without_touching_the_database(client):
    # No django_db mark: any query here would raise.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_reports_every_dependency_ready(client):
    response = client.get("/readyz")
    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "ready"
    assert set(body["checks"]) == {"database", "migrations", "cache", "broker"}
    assert all(check["ok"] for check in body["checks"].values())


@pytest.mark.django_db
def test_readyz_is_503_when_the_broker_is_down(client):
    with mock.patch("common.health._check_broker", side_effect=ConnectionRefusedError()):
        from common import health

        with mock.patch.dict(health.CHECKS, {"broker": health._check_broker}):
            response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"] == {"ok": False, "ms": response.json()["checks"]["broker"]["ms"],
                                                   "error": "ConnectionRefusedError"}


@pytest.mark.django_db
def test_readyz_tells_an_outsider_the_status_only(client, settings):
    settings.TRUSTED_PROXIES = 1
    outside = client.get("/readyz", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert outside.status_code == 200 and outside.json() == {"status": "ready"}
    # A forged header cannot claim to come from inside.
    assert client.get("/readyz", HTTP_X_FORWARDED_FOR="127.0.0.1, 203.0.113.7").json() == {"status": "ready"}


@pytest.mark.django_db
def test_readyz_details_for_the_internal_network_or_the_token(client, settings):
    settings.HEALTH_DETAIL_NETWORKS = ["10.0.0.0/8"]
    settings.HEALTH_TOKEN = "a-long-random-health-token"
    inside = client.get("/readyz", REMOTE_ADDR="10.1.2.3").json()
    assert set(inside) == {"status", "checks", "workers"} and "ms" in inside["checks"]["database"]
    assert client.get("/readyz", REMOTE_ADDR="198.51.100.4").json() == {"status": "ready"}
    token = client.get("/readyz", REMOTE_ADDR="198.51.100.4", HTTP_X_HEALTH_TOKEN="a-long-random-health-token")
    assert "checks" in token.json()
    wrong = client.get("/readyz", REMOTE_ADDR="198.51.100.4", HTTP_X_HEALTH_TOKEN="guess")
    assert wrong.json() == {"status": "ready"}


@pytest.mark.django_db
def test_readyz_keeps_its_status_code_for_everyone_when_not_ready(client):
    from common import health

    with mock.patch.dict(health.CHECKS, {"broker": mock.Mock(side_effect=ConnectionRefusedError())}):
        response = client.get("/readyz", REMOTE_ADDR="198.51.100.4")
    assert response.status_code == 503 and response.json() == {"status": "not ready"}
