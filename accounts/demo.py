"""Synthetic demo accounts: one per role. Every value is made up."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import roles, second_step
from .models import User

DEMO_PASSWORD = "demo-pass-2026"  # nosec B105: the published password of synthetic demo accounts
DEMO_DOMAIN = "demo.dcr.example.org"
# The published authenticator-app key of the synthetic demo accounts that must use two-step
# sign-in (study team, biobank, superuser): the RFC 6238 test key, never a real one.
DEMO_TOTP_KEY = "3132333435363738393031323334353637383930"  # nosec B105: published demo key

# (email local part, full name, role, is_staff, is_superuser, organisation)
DEMO_USERS = [
    ("patient", "Pat Demo (synthetic)", roles.PATIENT, False, False, ""),
    ("researcher", "Riley Researcher (synthetic)", roles.RESEARCHER, False, False, "Department of Medicine"),
    ("researcher2", "Robin Second (synthetic)", roles.RESEARCHER, False, False, "Department of Surgery"),
    ("collaborator", "Casey Partner (synthetic)", roles.COLLABORATOR, False, False, "Example Pharma Inc."),
    ("staff", "Sam Staff (synthetic)", roles.DCR_STAFF, True, False, "Division of Clinical Research"),
    ("studyteam", "Taylor Team (synthetic)", roles.STUDY_TEAM, True, False, "Translational Research Center"),
    ("biobank", "Bailey Biobank (synthetic)", roles.BIOBANK_STAFF, True, False, "Biobank"),
    ("admin", "Avery Admin (synthetic)", None, True, True, "Division of Clinical Research"),
]


def demo_email(local: str) -> str:
    return f"{local}@{DEMO_DOMAIN}"


def load() -> list[tuple[str, str]]:
    """Create the demo accounts if missing; return (role, email) pairs for the sign-in list."""
    logins = []
    for local, name, role, is_staff, is_superuser, organisation in DEMO_USERS:
        email = demo_email(local)
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User(email=email, full_name=name, is_staff=is_staff, is_superuser=is_superuser,
                        organisation=organisation)
            user.set_password(DEMO_PASSWORD)
            user.save()
        if role:
            user.groups.add(Group.objects.get_or_create(name=role)[0])
        if second_step.must_use(user) and second_step.app_device(user) is None:
            TOTPDevice.objects.create(user=user, name=second_step.APP_DEVICE_NAME, confirmed=True, key=DEMO_TOTP_KEY)
        logins.append((role or "Superuser", email))
    return logins


def two_step_key() -> str:
    """The demo key as an authenticator app asks for it (base32, in groups of four)."""
    return second_step.setup_key(TOTPDevice(key=DEMO_TOTP_KEY))


def current_code() -> str:
    """The code an authenticator app with the demo key shows now."""
    from django_otp.oath import totp

    return f"{totp(bytes.fromhex(DEMO_TOTP_KEY), step=30, t0=0, digits=6):06d}"
