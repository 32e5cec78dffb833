"""Parallel submissions on the real database: no duplicate reference, no limit overrun, no crash.

The races the apps' own folders prove are imported below, so ``make check-security`` (which runs
tests/security and tests/reliability) runs and counts them too: consultation references,
every shared reference counter, one bed booked by many at once, first-free beds, two staff
reserving samples at once. When the whole suite runs, tests/reliability/conftest.py drops
these copies and each runs once, in its own folder.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test import Client

from accounts import roles
from biobank.models import SampleRequest
from collaborations.models import Inquiry
from collaborations.views import INQUIRIES_PER_HOUR_PER_ADDRESS
from studies import ratelimit
from studies.models import Interest
from tests.biobank.factories import ParticipantFactory, SampleFactory
from tests.factories import UserFactory
from tests.security.evidence import record
from tests.studies.factories import StudyFactory

# The races proved in the apps' folders (see the docstring).
from tests.biobank.test_reservations import test_two_staff_reserving_at_once_never_get_the_same_sample  # noqa: E402,F401,I001
from tests.consultations.test_references import test_concurrent_submissions_get_distinct_gapless_references  # noqa: E402,F401
from tests.studies.test_concurrency import (  # noqa: E402,F401
    test_concurrent_bookings_of_one_bed_let_exactly_one_win,
    test_concurrent_first_free_bed_bookings_each_get_a_different_bed,
)
from tests.test_references import test_concurrent_references_are_all_different  # noqa: E402,F401

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 10
NOT_A_RACE = {"test_a_refused_inquiry_counts_nothing_against_the_other_limits"}
RACES: list[str] = []


@pytest.fixture(scope="module", autouse=True)
def _record_races(request):
    RACES.clear()
    failed_before = request.session.testsfailed
    yield
    record("concurrency", races=len(RACES), failures=request.session.testsfailed - failed_before)


@pytest.fixture(autouse=True)
def _count_race(request):
    if request.node.name not in NOT_A_RACE:
        RACES.append(request.node.name)


def run_at_once(count: int, attempt) -> tuple[list, list]:
    """Run ``attempt(n)`` in ``count`` threads released together; (results, crashes)."""
    barrier = threading.Barrier(count)
    results, crashes = [], []

    def run(number: int) -> None:
        try:
            barrier.wait(timeout=30)
            results.append(attempt(number))
        except Exception as error:  # anything unexpected is a defect the test must show
            crashes.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, crashes


def test_one_person_sending_many_inquiries_at_once_gets_only_the_hourly_allowance(study_team_member):
    study = StudyFactory(team=[study_team_member])
    data = {"name": "Jamie Volunteer", "email": "jamie@example.org", "phone": "", "preferred_contact": "email",
            "best_time": "morning", "consent_to_contact": "on", "website": ""}

    def send(number: int) -> int:
        # Each browser on its own address, so only the per-person limit can refuse.
        return Client().post(study.get_absolute_url(), data, REMOTE_ADDR=f"198.51.100.{number + 1}").status_code

    statuses, crashes = run_at_once(THREADS, send)

    assert crashes == []
    assert sorted(statuses) == [302] * ratelimit.PER_ADDRESS + [400] * (THREADS - ratelimit.PER_ADDRESS)
    references = list(Interest.objects.values_list("reference", flat=True))
    assert len(references) == ratelimit.PER_ADDRESS == len(set(references))


def test_partnership_inquiries_sent_at_once_keep_the_limit_and_distinct_references():
    data = {"organisation": "Northfield University", "kind": "academic", "contact_name": "Jordan Example",
            "contact_email": "jordan@example.org", "contact_phone": "", "area": "clinical_trials",
            "proposal": "A multi-site trial of home blood pressure coaching with our nursing school.",
            "website": ""}

    def send(number: int) -> int:
        return Client().post("/collaborators/", data, REMOTE_ADDR=f"198.51.100.{number + 1}").status_code

    statuses, crashes = run_at_once(THREADS, send)

    assert crashes == []
    allowed = INQUIRIES_PER_HOUR_PER_ADDRESS
    assert sorted(statuses) == [200] * (THREADS - allowed) + [302] * allowed
    references = list(Inquiry.objects.values_list("reference", flat=True))
    assert len(references) == allowed == len(set(references))


def test_researchers_filing_sample_requests_at_once_get_distinct_references():
    researchers = [UserFactory(roles=[roles.RESEARCHER]) for _ in range(THREADS)]
    for _ in range(12):
        SampleFactory(participant=ParticipantFactory(), sample_type="dna")
    form = {"irb_protocol": "IRB-2026-0142", "title": "Vitamin D in serum (synthetic)", "sample_type": "dna",
            "sex": "", "birth_year_min": "", "birth_year_max": "", "genotyped": "", "recontact": "",
            "samples_requested": "5", "purpose": "Measure vitamin D in stored samples."}

    def send(number: int) -> int:
        client = Client()
        client.force_login(researchers[number])
        return client.post("/biobank/requests/new/sample/", form).status_code

    statuses, crashes = run_at_once(THREADS, send)

    assert crashes == []
    assert statuses == [302] * THREADS
    references = list(SampleRequest.objects.values_list("reference", flat=True))
    assert len(references) == THREADS == len(set(references))


@pytest.mark.django_db
def test_a_refused_inquiry_counts_nothing_against_the_other_limits():
    for _ in range(ratelimit.PER_ADDRESS):
        assert ratelimit.take(email="jamie@example.org", ip="203.0.113.7")
    assert not ratelimit.take(email="jamie@example.org", ip="203.0.113.7")
    # The refused sixth did not use up one of the IP's twenty.
    others = ratelimit.PER_IP - ratelimit.PER_ADDRESS
    assert all(ratelimit.take(email=f"p{n}@example.org", ip="203.0.113.7") for n in range(others))
    assert not ratelimit.take(email="late@example.org", ip="203.0.113.7")
    ratelimit.release(email="p0@example.org", ip="203.0.113.7")  # an inquiry not saved after all
    assert ratelimit.take(email="late@example.org", ip="203.0.113.7")
