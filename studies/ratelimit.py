"""Limits on "I'm interested" inquiries, kept in the cache (Redis in production).

Counted per contact address (email or phone) and per client IP, in fixed one-hour windows.
Keys hold a keyed hash of the address, never the address itself.
"""

from __future__ import annotations

import hashlib
import hmac
import re

from django.conf import settings
from django.core.cache import cache

WINDOW_SECONDS = 60 * 60
PER_ADDRESS = 5
PER_IP = 20


def _key(kind: str, value: str) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()[:40]
    return f"studies:interest:{kind}:{digest}"


def _keys(*, email: str, phone: str, ip: str) -> list[tuple[str, int]]:
    keys = []
    if email:
        keys.append((_key("email", email.strip().lower()), PER_ADDRESS))
    digits = re.sub(r"\D", "", phone or "")
    if digits:
        keys.append((_key("phone", digits), PER_ADDRESS))
    if ip:
        keys.append((_key("ip", ip), PER_IP))
    return keys


def is_limited(*, email: str = "", phone: str = "", ip: str = "") -> bool:
    """True when this address or IP already sent as many inquiries as an hour allows."""
    keys = _keys(email=email, phone=phone, ip=ip)
    counts = cache.get_many([key for key, _ in keys])
    return any(counts.get(key, 0) >= limit for key, limit in keys)


def count(*, email: str = "", phone: str = "", ip: str = "") -> None:
    """Count one inquiry (or one tripped honeypot) against the address and the IP."""
    for key, _ in _keys(email=email, phone=phone, ip=ip):
        cache.add(key, 0, WINDOW_SECONDS)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, WINDOW_SECONDS)


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "")
