"""django-otp's middleware with the signed-in device kept in the cache.

django-otp reads the session's device from the database on every request of a person signed in
with the second step (one query per page of every staff member). Here the device is kept per
persistent id in a ``VersionedCache``, forgotten as soon as any device is saved or deleted (a
removed app, new recovery codes, a used code), so a device that is gone is refused on the very
next request. The checks django-otp makes on the device (it belongs to the session's user and is
confirmed) still run on every request.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django_otp.middleware import OTPMiddleware
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from common.cache import VersionedCache

DEVICES = VersionedCache("accounts:otp-device", timeout=300)
NONE = "none"  # a persistent id that names no device (the cache cannot hold None)


class KeptDeviceOTPMiddleware(OTPMiddleware):
    def _device_from_persistent_id(self, persistent_id: str):
        persistent_id = self._normalize_persistent_id(persistent_id)
        key = DEVICES.key(persistent_id)
        device, version = DEVICES.read(key)
        if device is None:
            device = Device.from_persistent_id(persistent_id) or NONE
            DEVICES.write(key, version, device)
        return None if device == NONE else device


def connect() -> None:
    for model in (TOTPDevice, StaticDevice):
        for signal, event in ((post_save, "saved"), (post_delete, "deleted")):
            signal.connect(DEVICES.invalidate, sender=model, dispatch_uid=f"accounts.otp_device.{model.__name__}.{event}")
