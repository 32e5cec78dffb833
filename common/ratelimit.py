"""Fixed-window rate limits on public forms and, per signed-in person, on every form that creates
records or sends email (``per_person``), counted in the shared cache (Redis in production).

Identities (addresses, emails, phones) are kept as keyed hashes: the cache never holds them
in clear. Behind a load balancer set ``DCR_TRUSTED_PROXIES`` to the number of proxies that
append to ``X-Forwarded-For``; the client is the address they saw, not one a visitor typed.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render


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


def take_all(limits: list[tuple[str, str, int]], *, window_seconds: int) -> bool:
    """Count one attempt against each ``(scope, identity, limit)`` if every limit allows it; False,
    with nothing counted, when one is used up. Counted first, then checked (an atomic increment),
    so attempts sent at the same moment cannot all pass a check made before any was counted."""
    counted = []
    for scope, identity, limit in limits:
        if not identity:
            continue
        counted.append((scope, identity))
        if count(scope, identity, window_seconds=window_seconds) > limit:
            for taken in counted:
                give_back(*taken)
            return False
    return True


SUCCESS_CODES = frozenset({301, 302, 303})


def per_person(scope: str, *, limit: int, window_seconds: int = 3600):
    """Decorate a view whose POST creates records or sends email: one signed-in person may
    succeed ``limit`` times per window. Past it the POST is answered 429 with a page that says
    so, before the view runs: nothing is saved, nobody is emailed. A POST the view refuses
    (a form error) counts nothing. Anonymous POSTs pass through (their forms limit by address).
    """

    def decorator(view):
        @wraps(view)
        def limited(request, *args, **kwargs):
            user = getattr(request, "user", None)
            if request.method != "POST" or user is None or not user.is_authenticated:
                return view(request, *args, **kwargs)
            identity = f"person:{user.pk}"
            # Counted first (an atomic increment), so that POSTs sent at once cannot all pass.
            if count(scope, identity, window_seconds=window_seconds) > limit:
                give_back(scope, identity)
                return render(request, "429.html", {"limit": limit, "minutes": window_seconds // 60,
                                                    "back": request.get_full_path()}, status=429)
            response = view(request, *args, **kwargs)
            if response.status_code not in SUCCESS_CODES:
                give_back(scope, identity)
            return response

        limited.per_person_limit = (scope, limit)  # carried up by the outer decorators' @wraps
        return limited

    return decorator
