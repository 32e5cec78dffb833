from __future__ import annotations

import pytest

from accounts import roles
from tests.factories import UserFactory

from .factories import ensure_beds


@pytest.fixture
def beds(db):
    return ensure_beds()


@pytest.fixture
def other_team_member(db):
    """A study team member of some other study."""
    return UserFactory(roles=[roles.STUDY_TEAM], is_staff=True, full_name="Olive Otherteam")


@pytest.fixture
def dcr_staff(db):
    return UserFactory(roles=[roles.DCR_STAFF], is_staff=True, full_name="Dana Desk")
