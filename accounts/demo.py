"""Synthetic demo accounts: one per role. Every value is made up."""

from __future__ import annotations

from django.contrib.auth.models import Group

from . import roles
from .models import User

DEMO_PASSWORD = "demo-pass-2026"  # nosec B105: the published password of synthetic demo accounts
DEMO_DOMAIN = "demo.dcr.example.org"

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
        logins.append((role or "Superuser", email))
    return logins
