"""Fixed-window rate limits on public forms, counted in the shared cache (Redis in production)."""

from __future__ import annotations

import hashlib

from django.core.cache import cache


def client_ip(request) -> str:
    # Behind the proxy the left-most X-Forwarded-For address is the client's.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    return (forwarded.split(",")[0].strip() if forwarded else request.META.get("REMOTE_ADDR", "")) or "unknown"


def hit(scope: str, identity: str, *, limit: int, window_seconds: int) -> bool:
    """Count one attempt; True while the identity stays within ``limit`` per window.

    Identities (addresses, emails) are hashed: the cache never holds them in clear.
    """
    digest = hashlib.sha256(identity.strip().lower().encode()).hexdigest()[:32]
    key = f"ratelimit:{scope}:{digest}"
    cache.add(key, 0, timeout=window_seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window_seconds)
        count = 1
    return count <= limit
