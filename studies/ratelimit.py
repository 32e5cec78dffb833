"""Limits on "I'm interested" inquiries: per contact address (email or phone) and per client IP,
in one-hour windows, on the shared counters of ``common.ratelimit``."""

from __future__ import annotations

import re

from common import ratelimit
from common.ratelimit import client_ip  # noqa: F401  (the views' one import for rate limits)

WINDOW_SECONDS = 60 * 60
PER_ADDRESS = 5
PER_IP = 20


def _identities(*, email: str, phone: str, ip: str) -> list[tuple[str, str, int]]:
    digits = re.sub(r"\D", "", phone or "")
    return [(scope, identity, limit) for scope, identity, limit in (
        ("interest-email", (email or "").strip().lower(), PER_ADDRESS),
        ("interest-phone", digits, PER_ADDRESS),
        ("interest-ip", ip or "", PER_IP),
    ) if identity]


def is_limited(*, email: str = "", phone: str = "", ip: str = "") -> bool:
    """True when this address or IP already sent as many inquiries as an hour allows."""
    return any(ratelimit.is_limited(scope, identity, limit=limit)
               for scope, identity, limit in _identities(email=email, phone=phone, ip=ip))


def count(*, email: str = "", phone: str = "", ip: str = "") -> None:
    """Count one inquiry (or one tripped honeypot) against the address and the IP."""
    for scope, identity, _ in _identities(email=email, phone=phone, ip=ip):
        ratelimit.count(scope, identity, window_seconds=WINDOW_SECONDS)


def take(*, email: str = "", phone: str = "", ip: str = "") -> bool:
    """Count one inquiry if every limit allows it; False, with nothing counted, when one is used up."""
    return ratelimit.take_all(_identities(email=email, phone=phone, ip=ip), window_seconds=WINDOW_SECONDS)


def release(*, email: str = "", phone: str = "", ip: str = "") -> None:
    """Give back what ``take`` counted, for an inquiry that was not saved after all."""
    for scope, identity, _ in _identities(email=email, phone=phone, ip=ip):
        ratelimit.give_back(scope, identity)


# Study alerts asked for by visitors: per address and per client IP, in the same windows.
ALERTS_PER_ADDRESS = 5
ALERTS_PER_IP = 20


def take_alert(*, email: str, ip: str) -> bool:
    """Count one alert request if the address and the IP may still ask this hour (see ``take``)."""
    return ratelimit.take_all([("alert-email", (email or "").strip().lower(), ALERTS_PER_ADDRESS),
                               ("alert-ip", ip or "", ALERTS_PER_IP)], window_seconds=WINDOW_SECONDS)
