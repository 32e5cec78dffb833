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
