"""Worker heartbeats in Redis: which Celery workers are alive, seen from any machine.

Every worker writes its name into one sorted set (score: Redis's own clock) when it is ready
and then every ``WORKER_HEARTBEAT_SECONDS``; it removes itself on a warm shutdown. A worker
whose last beat is older than three intervals is gone (killed, machine lost). ``/readyz``
reports the count and ``manage.py worker_health`` checks it for an operator or a monitor.
"""

from __future__ import annotations

import logging
import threading

import redis
from celery.signals import worker_ready, worker_shutdown
from django.conf import settings

logger = logging.getLogger(__name__)

_stop = threading.Event()


def heartbeat_seconds() -> float:
    return float(getattr(settings, "WORKER_HEARTBEAT_SECONDS", 30))


def stale_after() -> float:
    return 3 * heartbeat_seconds()


def redis_client() -> redis.Redis:
    # redis-py spells a unix socket "unix://", kombu "redis+socket://".
    return redis.Redis.from_url(settings.REDIS_URL.replace("redis+socket://", "unix://", 1),
                                socket_timeout=2, socket_connect_timeout=2)


def key_prefix() -> str:
    """The cache's key prefix: portals sharing one Redis keep their keys apart."""
    return settings.CACHES["default"].get("KEY_PREFIX") or "dcr"


def _key() -> str:
    return f"{key_prefix()}:workers:heartbeat"


def _now(client: redis.Redis) -> float:
    seconds, microseconds = client.time()
    return seconds + microseconds / 1_000_000


def beat(hostname: str) -> None:
    client = redis_client()
    try:
        client.zadd(_key(), {hostname: _now(client)})
    finally:
        client.close()


def forget(hostname: str) -> None:
    client = redis_client()
    try:
        client.zrem(_key(), hostname)
    finally:
        client.close()


def alive() -> dict[str, float]:
    """Workers seen within ``stale_after()`` seconds: name -> seconds since their last beat."""
    client = redis_client()
    try:
        now = _now(client)
        key = _key()
        client.zremrangebyscore(key, "-inf", now - 10 * stale_after())  # long gone: tidy up
        entries = client.zrangebyscore(key, now - stale_after(), "+inf", withscores=True)
    finally:
        client.close()
    return {name.decode(): round(now - score, 1) for name, score in entries}


def _beat_forever(hostname: str) -> None:
    while not _stop.wait(heartbeat_seconds()):
        try:
            beat(hostname)
        except redis.RedisError as error:  # Redis away for a moment: the next beat tries again
            logger.warning("worker heartbeat failed: %s", type(error).__name__)


@worker_ready.connect
def _start_heartbeat(sender=None, **kwargs):
    hostname = getattr(sender, "hostname", None)
    if not hostname:
        return
    _stop.clear()
    beat(hostname)
    threading.Thread(target=_beat_forever, args=(hostname,), name="dcr-heartbeat", daemon=True).start()


@worker_shutdown.connect
def _stop_heartbeat(sender=None, **kwargs):
    _stop.set()
    hostname = getattr(sender, "hostname", None)
    if hostname:
        try:
            forget(hostname)
        except redis.RedisError:
            pass
