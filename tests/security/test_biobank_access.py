"""The access matrix for the people it does not list: researchers who signed themselves up but have no
approved biobank access (none, pending, declined, email not verified). Every cohort URL refuses them,
except the page where they apply; the email link answers the same to everyone."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.utils import timezone

from accounts import roles
from cohorts.models import BiobankAccess
from tests.factories import UserFactory
from tests.security.matrix import build_world, classify, concrete_url, url_patterns

APPLICANTS = {
    "self signed-up researcher": None,
    "pending, email verified": (BiobankAccess.Status.PENDING, True),
    "approved, email not verified": (BiobankAccess.Status.APPROVED, False),
    "declined": (BiobankAccess.Status.DECLINED, True),
    "revoked": (BiobankAccess.Status.REVOKED, True),
}
OPEN_TO_APPLICANTS = {"cohorts:access": "200", "cohorts:verify_email": "400"}


@pytest.fixture(scope="module")
def answers(django_db_setup, django_db_blocker):
    from django.test import Client

    with django_db_blocker.unblock(), transaction.atomic():
        world = build_world()
        patterns = [p for p in url_patterns() if p.key.startswith("cohorts:")]
        observed = {}
        for label, state in APPLICANTS.items():
            user = UserFactory(roles=[roles.RESEARCHER])
            if state:
                BiobankAccess.objects.create(user=user, irb_protocol="IRB-2026-0142", institution="X", purpose="Y",
                                             status=state[0], email_verified_at=timezone.now() if state[1] else None)
            client = Client()
            client.force_login(user, backend="accounts.backends.CachedPermissionsBackend")
            observed[label] = {p.key: classify(client.get(concrete_url(p, world))) for p in patterns}
        transaction.set_rollback(True)
    return observed


@pytest.mark.parametrize("label", APPLICANTS)
def test_only_approved_verified_researchers_reach_the_cohort_tool(answers, label):
    got = answers[label]
    assert len(got) >= 10
    wrong = {key: code for key, code in got.items() if code != OPEN_TO_APPLICANTS.get(key, "403")}
    assert not wrong, f"{label}: {wrong}"
