from __future__ import annotations

import pytest

from accounts import roles
from tests.factories import UserFactory

from .factories import StudyFactory, ensure_beds


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


@pytest.fixture
def study(study_team_member):
    """A study worked by ``study_team_member`` (modules may define their own ``study``)."""
    return StudyFactory(short_title="GLOW-2", lay_title="Diabetes and sleep", team=[study_team_member])


@pytest.fixture
def other_study(other_team_member):
    return StudyFactory(short_title="OTHER-1", lay_title="Another team's study", team=[other_team_member])
