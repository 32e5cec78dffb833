"""Every page ``make bench`` measures runs as many queries on ten times the data: no N+1 hides
behind small demo data. Seeds 1% and then 10% of production scale (``seed_scale --factor``)."""

from __future__ import annotations

import io

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from bench.hooks import hot_paths


def query_counts(client, factor: float) -> dict[str, int]:
    """Seed at ``factor``, request every benchmarked page once warm, count its queries, roll back."""
    counts = {}
    with transaction.atomic():
        call_command("seed_scale", "--factor", str(factor), stdout=io.StringIO())
        cache.clear()
        for name, path, email in hot_paths():
            if name == "floor":
                continue
            client.logout()
            if email:
                client.force_login(User.objects.get(email=email))
            client.get(path)  # warm: per-process caches (content types, permissions) are filled
            cache.clear()  # measure the page as rendered, not replayed from the public page cache
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path)
            assert response.status_code == 200, (name, factor, response.status_code)
            counts[name] = len(queries)
        transaction.set_rollback(True)
    cache.clear()
    return counts


@pytest.mark.django_db
def test_queries_per_page_do_not_grow_with_data(client):
    small = query_counts(client, 0.01)
    large = query_counts(client, 0.1)
    print({name: (small[name], large[name]) for name in small})
    assert small == large
    assert small["triage, unfiltered"] <= 12 and small["triage, filtered"] <= 12
