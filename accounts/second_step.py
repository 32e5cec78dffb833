"""The second step of signing in: who must use it, its devices, recovery codes, slowing guesses.

Devices come from django-otp: an authenticator app (TOTP) and a set of single-use recovery
codes (the static device). Anyone who sees protected data (``roles.TWO_STEP_ROLES``, and
superusers) must have the app before any other page opens; other staff may turn it on.

Wrong codes never lock a person out (anyone with the password could otherwise lock a staff
member out on purpose): the first ``FREE_TRIES`` wrong codes in a row cost nothing, then each
try waits twice as long as the one before, up to ``MAX_WAIT_SECONDS``. The right code always
works once the wait is over. At one try a minute, guessing a 6-digit code takes months.
"""

from __future__ import annotations

import math
from base64 import b32encode

from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from common.cache import VersionedCache

from . import roles
from .backends import on_role_change

APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"
RECOVERY_CODES = 10
FREE_TRIES = 5
MAX_WAIT_SECONDS = 60


# Asked on every page of a session that has not given a code: kept per person, forgotten on any
# change of roles (like accounts.backends.PERMISSIONS), so pages pay no query for it.
REQUIRED = VersionedCache("accounts:two-step-required", timeout=300)


def must_use(user) -> bool:
    """True for a person who sees protected data: the second step is not optional for them."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    if roles.known(user):  # read with the user (accounts.backends): nothing to ask the cache
        return roles.has_role(user, *roles.TWO_STEP_ROLES)
    key = REQUIRED.key(user.pk)
    required, version = REQUIRED.read(key)
    if required is None:
        required = roles.has_role(user, *roles.TWO_STEP_ROLES)
        REQUIRED.write(key, version, required)
    return required


def connect() -> None:
    on_role_change(REQUIRED.invalidate, "accounts.two_step_required")


def may_use(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and (user.is_staff or must_use(user)))


def app_device(user, *, lock: bool = False) -> TOTPDevice | None:
    devices = TOTPDevice.objects.filter(user=user, confirmed=True)
    return (devices.select_for_update() if lock else devices).first()


def recovery_device(user, *, lock: bool = False) -> StaticDevice | None:
    devices = StaticDevice.objects.filter(user=user, confirmed=True)
    return (devices.select_for_update() if lock else devices).first()


def pending_app_device(user) -> TOTPDevice:
    """The device being set up (the same secret on every visit until it is confirmed)."""
    with transaction.atomic():
        return (TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
                or TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False))


def setup_key(device: TOTPDevice) -> str:
    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i:i + 4] for i in range(0, len(key), 4))


@transaction.atomic
def new_recovery_codes(user) -> list[str]:
    """Replace the person's recovery codes with ``RECOVERY_CODES`` fresh ones (each works once)."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_DEVICE_NAME,
                                                   defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@transaction.atomic
def turn_off(user) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


def seconds_to_wait(devices) -> int:
    """How long the next try must wait, after the wrong codes in a row on these devices."""
    failures = sum(d.throttling_failure_count for d in devices)
    stamps = [d.throttling_failure_timestamp for d in devices if d.throttling_failure_timestamp]
    if failures < FREE_TRIES or not stamps:
        return 0
    wait = min(2 ** (failures - FREE_TRIES), MAX_WAIT_SECONDS)
    passed = (timezone.now() - max(stamps)).total_seconds()
    return max(0, math.ceil(wait - passed))


def _normalised(code: str) -> str:
    return "".join(code.split()).lower()


@transaction.atomic
def check_code(user, code: str, *, device: TOTPDevice | None = None):
    """Check a code from the app (6 digits) or a recovery code; returns (device, seconds to wait).

    ``device`` (a pending app device being confirmed) replaces the person's confirmed ones.
    The devices are locked: tries sent at the same moment wait their turn, and each one counts.
    """
    app = TOTPDevice.objects.select_for_update().get(pk=device.pk) if device else app_device(user, lock=True)
    recovery = None if device else recovery_device(user, lock=True)
    devices = [d for d in (app, recovery) if d is not None]
    wait = seconds_to_wait(devices)
    if wait:
        return None, wait
    code = _normalised(code)
    if code.isdigit() and len(code) == 6:
        target = app
    else:
        target = recovery
    if target is not None and target.verify_token(code):
        for other in devices:
            if other is not target and other.throttling_failure_count:
                other.throttle_reset()
        return target, 0
    if target is None and devices:  # a recovery code from someone who has none still counts
        devices[0].throttle_increment()
    return None, 0
