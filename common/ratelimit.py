"""Fixed-window rate limits on public forms, counted in the shared cache (Redis in production).

Identities (addresses, emails, phones) are kept as keyed hashes: the cache never holds them
in clear. Behind a load balancer set ``DCR_TRUSTED_PROXIES`` to the number of proxies that
append to ``X-Forwarded-For``; the client is the address they saw, not one a visitor typed.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.core.cache import cache


def client_ip(request) -> str:
    trusted = getattr(settings, "TRUSTED_PROXIES", 0)
    if trusted:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= trusted:
            # Each trusted proxy appended the address it received from; the left part can be forged.
            return forwarded[-trusted]
    return request.META.get("REMOTE_ADDR", "")


def axes_client_ip(request) -> str | None:
    """The sign-in lockout's view of the client address (None when there is none)."""
    return client_ip(request) or None


def _key(scope: str, identity: str) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), identity.strip().lower().encode(), hashlib.sha256).hexdigest()
    return f"ratelimit:{scope}:{digest[:40]}"


def is_limited(scope: str, identity: str, *, limit: int) -> bool:
    """True when ``identity`` already used up ``limit`` in the current window (counts nothing)."""
    return bool(identity) and (cache.get(_key(scope, identity)) or 0) >= limit


def count(scope: str, identity: str, *, window_seconds: int) -> int:
    """Count one attempt for ``identity``; returns the attempts in the current window."""
    if not identity:
        return 0
    key = _key(scope, identity)
    cache.add(key, 0, timeout=window_seconds)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window_seconds)
        return 1


def give_back(scope: str, identity: str) -> None:
    """Undo one ``count`` (an attempt refused by another limit, or not carried out after all)."""
    if not identity:
        return
    try:
        cache.decr(_key(scope, identity))
    except ValueError:  # the window ended meanwhile
        pass


def hit(scope: str, identity: str, *, limit: int, window_seconds: int) -> bool:
    """Count one attempt; True while the identity stays within ``limit`` per window."""
    return count(scope, identity, window_seconds=window_seconds) <= limit
