"""Roles are Django Groups; their names live here and nowhere else.

Permissions grow in this order: anonymous < patient < researcher < staff of a centre <
superuser. A person may hold several roles (a researcher can also be a patient).
"""

from __future__ import annotations

PATIENT = "Patient"
RESEARCHER = "Researcher"
COLLABORATOR = "Collaborator"
DCR_STAFF = "DCR staff"
STUDY_TEAM = "Study team"
BIOBANK_STAFF = "Biobank staff"

ALL_ROLES = (PATIENT, RESEARCHER, COLLABORATOR, DCR_STAFF, STUDY_TEAM, BIOBANK_STAFF)
# Roles a person may choose when signing up; staff roles are given by an administrator.
SELF_SERVICE_ROLES = (PATIENT, RESEARCHER, COLLABORATOR)
STAFF_ROLES = (DCR_STAFF, STUDY_TEAM, BIOBANK_STAFF)


def role_names(user) -> frozenset[str]:
    """The role names of a user, read once per request and cached on the user object."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_role_names", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._role_names = cached
    return cached


def remember(user, names) -> None:
    """Keep role names read together with the user (``accounts.backends``): no query asks again."""
    user._role_names = frozenset(names)


def known(user) -> bool:
    """True when the user's role names are already on the user object (no query to read them)."""
    return getattr(user, "_role_names", None) is not None


def has_role(user, *roles: str) -> bool:
    """True when the user holds any of ``roles`` (superusers hold every role)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    return bool(role_names(user) & set(roles))

# Roles that see protected health data: their people must sign in with a second step
# (superusers too). accounts/second_step.py enforces it.
TWO_STEP_ROLES = (STUDY_TEAM, BIOBANK_STAFF)
