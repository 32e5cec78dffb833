"""Fixtures shared by every test module: people in each role and the centres they work for."""

from __future__ import annotations

import pytest
from django.core import mail

from accounts import roles
from tests.factories import CenterFactory, ServiceFactory, StaffMembershipFactory, UserFactory


@pytest.fixture(scope="session", autouse=True)
def _force_login_signs_in_with_both_steps():
    """People who must use two-step sign-in are signed in past it by ``force_login`` (the tests of
    the second step itself use ``tests.factories.password_only_login``)."""
    from django.test import Client

    from tests.factories import force_login_both_steps

    Client._force_login_of_django = Client.force_login
    Client.force_login = force_login_both_steps
    yield
    Client.force_login = Client._force_login_of_django


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fresh_reference_counters(request):
    """Tests on a real transaction start with no reference handed out, as with every other table.

    Django empties the tables of models between such tests; the kernel's counter
    (common.references) is no model's table, so it is emptied here.
    """
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & set(request.fixturenames))
    if transactional:
        from django.db import connection

        from common.references import TABLE

        request.getfixturevalue("transactional_db")
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE}")  # nosec B608: a module constant


@pytest.fixture
def outbox():
    """Emails delivered during the test (the outbox task runs eagerly after commit)."""
    mail.outbox = []
    return mail.outbox


@pytest.fixture
def patient(db):
    return UserFactory(roles=[roles.PATIENT], full_name="Pat Patient")


@pytest.fixture
def researcher(db):
    return UserFactory(roles=[roles.RESEARCHER], full_name="Rae Researcher")


@pytest.fixture
def other_researcher(db):
    return UserFactory(roles=[roles.RESEARCHER], full_name="Otto Other")


@pytest.fixture
def collaborator(db):
    return UserFactory(roles=[roles.COLLABORATOR], full_name="Cleo Collaborator")


@pytest.fixture
def center_a(db):
    return CenterFactory(name="Center A for Testing")


@pytest.fixture
def center_b(db):
    return CenterFactory(name="Center B for Testing")


@pytest.fixture
def staff_a(db, center_a):
    """DCR staff of centre A."""
    user = UserFactory(roles=[roles.DCR_STAFF], is_staff=True, full_name="Stella Staff-A")
    StaffMembershipFactory(user=user, center=center_a)
    return user


@pytest.fixture
def staff_b(db, center_b):
    """DCR staff of centre B."""
    user = UserFactory(roles=[roles.DCR_STAFF], is_staff=True, full_name="Bruno Staff-B")
    StaffMembershipFactory(user=user, center=center_b)
    return user


@pytest.fixture
def study_team_member(db, center_a):
    user = UserFactory(roles=[roles.STUDY_TEAM], is_staff=True, full_name="Tess Team")
    StaffMembershipFactory(user=user, center=center_a)
    return user


@pytest.fixture
def biobank_staff(db):
    return UserFactory(roles=[roles.BIOBANK_STAFF], is_staff=True, full_name="Bea Biobank")


@pytest.fixture
def superuser(db):
    return UserFactory(is_staff=True, is_superuser=True, full_name="Ada Admin")


@pytest.fixture
def service(db, center_a):
    return ServiceFactory(center=center_a, name="Biostatistics consult")
