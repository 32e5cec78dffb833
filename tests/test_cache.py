"""The portal's cache backend on the real Redis, and versioned cache families."""

from __future__ import annotations

import secrets
import threading

import pytest
from django.core.cache import cache

from common.cache import RedisCache, VersionedCache
from dcr_portal.settings.services import _CACHE_REDIS_URL


@pytest.fixture
def redis_cache():
    backend = RedisCache(_CACHE_REDIS_URL, {"KEY_PREFIX": f"dcr-test-{secrets.token_hex(6)}", "TIMEOUT": 60})
    yield backend
    client = backend._cache.get_client(write=True)
    keys = list(client.scan_iter(match=f"{backend.key_prefix}:*"))
    if keys:
        client.delete(*keys)  # only this test's keys: the database is shared with the broker


def test_one_client_object_serves_every_operation(redis_cache):
    redis_cache.set("a", {"x": 1})
    client = redis_cache._cache.get_client()
    assert redis_cache.get("a") == {"x": 1}
    assert redis_cache.get_many(["a", "missing"]) == {"a": {"x": 1}}
    assert redis_cache.add("b", 1) and not redis_cache.add("b", 2)
    assert redis_cache.incr("b") == 2
    redis_cache.delete("a")
    assert redis_cache.get("a") is None
    assert redis_cache._cache.get_client(write=True) is client


def test_the_shared_client_is_safe_across_threads(redis_cache):
    redis_cache.set("counter", 0)
    errors = []

    def work(n):
        try:
            for i in range(50):
                redis_cache.set(f"t{n}:{i}", i)
                assert redis_cache.get(f"t{n}:{i}") == i
                redis_cache.incr("counter")
        except Exception as error:  # noqa: BLE001 - collected, asserted below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert redis_cache.get("counter") == 400


@pytest.mark.django_db  # invalidate() bumps the version again once the change commits
def test_a_versioned_entry_is_forgotten_when_its_family_changes():
    family = VersionedCache("test:family", timeout=60)
    key = family.key("someone")
    value, version = family.read(key)
    assert value is None
    family.write(key, version, "computed")
    assert family.read(key) == ("computed", version)
    family.invalidate()
    value, newer = family.read(key)
    assert value is None and newer > version
    assert cache.get(key) == (version, "computed")  # still stored, but out of date


@pytest.mark.django_db
def test_a_value_computed_across_a_change_is_never_served():
    family = VersionedCache("test:family", timeout=60)
    key = family.key("someone")
    _, version_before = family.read(key)
    family.invalidate()  # a change lands while the value is being computed
    family.write(key, version_before, "computed from the old rows")
    assert family.read(key)[0] is None
