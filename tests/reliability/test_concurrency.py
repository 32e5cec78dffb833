"""Parallel submissions on the real database: no duplicate reference, no limit overrun, no crash.

Proved elsewhere and counted in the summary (not repeated here):
consultation references (tests/consultations/test_references.py), every shared reference
counter (tests/test_references.py), one bed booked by many at once and first-free beds
(tests/studies/test_concurrency.py), two staff reserving samples at once
(tests/biobank/test_reservations.py).
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test import Client

from biobank.models import SampleRequest
from collaborations.models import Inquiry
from collaborations.views import INQUIRIES_PER_HOUR_PER_ADDRESS
from studies import ratelimit
from studies.models import Interest
from tests.biobank.factories import ParticipantFactory, SampleFactory
from tests.factories import UserFactory
from tests.security.evidence import record
from tests.studies.factories import StudyFactory

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 10
# Races proved by tests in other folders (see the module docstring); they run in the same suite.
PROVED_ELSEWHERE = 5
PASSED: list[int] = []
TRIED: list[int] = []


@pytest.fixture(scope="module", autouse=True)
def _record_races():
    PASSED.clear()
    TRIED.clear()
    yield
    record("concurrency", races=len(TRIED) + PROVED_ELSEWHERE, here=len(TRIED), elsewhere=PROVED_ELSEWHERE,
           failures=len(TRIED) - len(PASSED))


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
    TRIED.append(1)
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
    PASSED.append(1)


def test_partnership_inquiries_sent_at_once_keep_the_limit_and_distinct_references():
    TRIED.append(1)
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
    PASSED.append(1)


def test_researchers_filing_sample_requests_at_once_get_distinct_references():
    TRIED.append(1)
    researchers = [UserFactory(roles=["Researcher"]) for _ in range(THREADS)]
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
    PASSED.append(1)


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
