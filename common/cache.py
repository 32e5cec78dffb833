"""The portal's cache (Redis): a backend that keeps its clients, and families of versioned entries.

``RedisCache`` is Django's Redis backend with one difference: Django builds a new ``redis.Redis``
client object for every operation (more Python than the round trip to a local Redis takes), while this one keeps one client per connection pool. redis-py clients are safe to
share between threads; the pool hands each command its own connection.

``VersionedCache`` is a family of entries forgotten all at once (the cached public pages, each
person's permissions, ...): every entry is stored with the family's version number, and
``invalidate`` (a signal receiver) bumps that number, so older entries no longer count. Reading
an entry and the current version is one round trip (MGET). The version is bumped again once the
change is committed, so that an entry computed from the old rows while the change was in flight
is not kept; and ``read`` hands out the version seen *before* the value is computed, so a value
computed across a change is stored under a version that is already out of date.
"""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from django.db import transaction


class _ReusedClients(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _ReusedClients


class VersionedCache:
    def __init__(self, name: str, timeout: int):
        self.name, self.timeout = name, timeout
        self.version_key = f"{name}:version"

    def key(self, *parts) -> str:
        return ":".join((self.name, *map(str, parts)))

    def read(self, key: str) -> tuple[Any, int]:
        """(the entry, or None if missing or out of date; the current version)."""
        return self._entry(cache.get_many([self.version_key, key]), key)

    def _entry(self, found: dict, key: str) -> tuple[Any, int]:
        version = found.get(self.version_key)
        if version is None:
            cache.add(self.version_key, 1, timeout=None)
            version = cache.get(self.version_key, 1)
        entry = found.get(key)
        if entry is None or entry[0] != version:
            return None, version
        return entry[1], version

    def write(self, key: str, version: int, value: Any) -> None:
        """Store ``value``, computed after ``read`` returned ``version``."""
        cache.set(key, (version, value), self.timeout)

    def _bump(self) -> None:
        try:
            cache.incr(self.version_key)
        except ValueError:
            cache.set(self.version_key, 1, timeout=None)

    def invalidate(self, *args, **kwargs) -> None:
        """Forget every entry of the family (a signal receiver: any arguments), again after the commit."""
        self._bump()
        transaction.on_commit(self._bump)


def read_together(*entries: tuple[VersionedCache, str]) -> list[tuple[Any, int]]:
    """``VersionedCache.read`` of several (family, key) entries in one round trip (one MGET)."""
    found = cache.get_many([name for family, key in entries for name in (family.version_key, key)])
    return [family._entry(found, key) for family, key in entries]
