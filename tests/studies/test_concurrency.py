"""Many people book the same bed for overlapping stays at the same moment: exactly one wins."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from studies import services
from studies.models import BedBooking

from .factories import StudyFactory, bed, ensure_beds

THREADS = 10


@pytest.mark.django_db(transaction=True)
def test_concurrent_bookings_of_one_bed_let_exactly_one_win(study_team_member):
    ensure_beds()
    study = StudyFactory(team=[study_team_member])
    target = bed(6)
    start = timezone.now().replace(microsecond=0) + timedelta(days=10)
    barrier = threading.Barrier(THREADS)
    wins, refusals, crashes = [], [], []

    def attempt(offset_hours: int) -> None:
        try:
            barrier.wait(timeout=30)
            booking = services.book_bed(study=study, bed=target, by=study_team_member,
                                        start=start + timedelta(hours=offset_hours),
                                        end=start + timedelta(days=2, hours=offset_hours))
            wins.append(booking.pk)
        except services.BedUnavailable as error:
            refusals.append(error.message)
        except Exception as error:  # anything else is a defect the test must show
            crashes.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert crashes == []
    assert len(wins) == 1
    assert len(refusals) == THREADS - 1
    assert set(refusals) == {"Bed 6 is already booked for part of that time. "
                             "Free for the whole stay: beds 1 to 5 and 7 to 18."}
    assert BedBooking.objects.filter(bed=target, status=BedBooking.Status.BOOKED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_first_free_bed_bookings_each_get_a_different_bed(study_team_member):
    ensure_beds()
    study = StudyFactory(team=[study_team_member])
    start = timezone.now().replace(microsecond=0) + timedelta(days=20)
    barrier = threading.Barrier(4)
    beds_won, problems = [], []

    def attempt() -> None:
        try:
            barrier.wait(timeout=30)
            booking = services.book_bed(study=study, by=study_team_member, start=start, end=start + timedelta(days=1))
            beds_won.append(booking.bed.number)
        except Exception as error:
            problems.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    # Each loser retries with the next free bed, so four people get four different beds.
    assert problems == []
    assert sorted(beds_won) == [1, 2, 3, 4]
