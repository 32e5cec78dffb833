"""Health endpoints for the load balancer.

``/healthz``: the process answers (no dependency is touched).
``/readyz``: the database, Redis (cache) and the Celery broker answer and no migration is pending.
It also reports how many Celery workers sent a heartbeat lately (``workers``): information for
an operator, not a condition of readiness (a web server serves pages while workers restart).

Anyone gets the status code and ``{"status": ...}``; the timings, errors and worker counts go
only to a client on the internal networks (``HEALTH_DETAIL_NETWORKS``, loopback by default,
the client address read through the trusted proxies) or one that sends ``HEALTH_TOKEN`` in an
``X-Health-Token`` header: they tell an outsider what runs inside and how loaded it is.
"""

from __future__ import annotations

import hmac
import ipaddress
import time

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@never_cache
@require_GET
def healthz(request):
    return JsonResponse({"status": "ok"})


def _check_database() -> str | None:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
    return None


def _check_migrations() -> str | None:
    connection = connections[DEFAULT_DB_ALIAS]
    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return f"{len(pending)} migration(s) not applied" if pending else None


def _check_cache() -> str | None:
    key = "readyz:probe"
    cache.set(key, "1", timeout=10)
    return None if cache.get(key) == "1" else "cache did not return what was written"


def _check_broker() -> str | None:
    from celery import current_app as app

    with app.connection_for_write() as connection:
        connection.ensure_connection(max_retries=1, timeout=2)
    return None


CHECKS = {"database": _check_database, "migrations": _check_migrations, "cache": _check_cache,
          "broker": _check_broker}


@never_cache
@require_GET
def readyz(request):
    results, ready = {}, True
    for name, check in CHECKS.items():
        started = time.monotonic()
        try:
            problem = check()
        except Exception as error:  # any failure means "not ready"; the class name says which
            problem = type(error).__name__
        results[name] = {"ok": problem is None, "ms": round((time.monotonic() - started) * 1000, 1)}
        if problem:
            results[name]["error"] = problem
            ready = False
    body = {"status": "ready" if ready else "not ready"}
    if may_see_details(request):
        body.update(checks=results, workers=_workers())
    return JsonResponse(body, status=200 if ready else 503)


def may_see_details(request) -> bool:
    token = getattr(settings, "HEALTH_TOKEN", "")
    if token and hmac.compare_digest(request.headers.get("X-Health-Token", "").encode(), token.encode()):
        return True
    from .ratelimit import client_ip

    try:
        address = ipaddress.ip_address(client_ip(request))
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(network, strict=False)
               for network in getattr(settings, "HEALTH_DETAIL_NETWORKS", ()))


def _workers() -> dict:
    from common import workers

    try:
        return {"alive": len(workers.alive())}
    except Exception as error:  # Redis down: already reported by the cache and broker checks
        return {"alive": None, "error": type(error).__name__}
