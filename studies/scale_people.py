"""The people of the study pages at scale (run by ``studies.scale.seed`` after the studies): a
patient with 30 of the scale inquiries, a study team member on the team of 20 scale studies, and
the TRC bed board booked back in time (4,000 bookings of three nights, ``factor`` times as many).
Idempotent: each part is skipped when it is there. The pages' sizes stay those of one person's
screen at any ``factor``; what grows is the data around them.

Emails scale-patient@ and scale-team@scale.example.org and the note "Synthetic scale booking"
are reserved for it.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.utils import timezone

from accounts import roles
from accounts.models import User
from common.scale import scaled

from .models import Bed, BedBooking, Interest, Study

PATIENT_EMAIL = "scale-patient@scale.example.org"
TEAM_EMAIL = "scale-team@scale.example.org"
PATIENT_INQUIRIES = 30
TEAM_STUDIES = 20
BOOKINGS = 4_000
BOOKING_NOTE = "Synthetic scale booking"


def _person(email: str, name: str, role: str) -> User:
    user, _ = User.objects.get_or_create(email=email, defaults={"full_name": name, "password": make_password(None)})
    Group.objects.get_or_create(name=role)[0].user_set.add(user)
    return user


def _scale_studies():
    return Study.objects.filter(irb_protocol__startswith="SCALE-").order_by("irb_protocol")


def _patient_inquiries(factor: float) -> int:
    patient = _person(PATIENT_EMAIL, "Scale Patient (synthetic)", roles.PATIENT)
    if Interest.objects.filter(user=patient).exists():
        return 0
    total = Interest.objects.filter(reference__startswith="INQ-SCALE-").count()
    step = max(1, total // PATIENT_INQUIRIES)
    references = [f"INQ-SCALE-{n:07d}" for n in range(0, total, step)][:PATIENT_INQUIRIES]
    return Interest.objects.filter(reference__in=references).update(user=patient)


def _team() -> int:
    member = _person(TEAM_EMAIL, "Scale Study Team Member (synthetic)", roles.STUDY_TEAM)
    if member.study_teams.exists():
        return 0
    studies = list(_scale_studies().filter(status=Study.Status.RECRUITING)[:TEAM_STUDIES])
    member.study_teams.add(*studies)
    return len(studies)


def _bookings(factor: float) -> int:
    """Each bed booked for three nights in four, from the week after next back in time."""
    if BedBooking.objects.filter(note=BOOKING_NOTE).exists():
        return 0
    beds = list(Bed.objects.order_by("number"))
    studies = list(_scale_studies().exclude(status__in=Study.CLOSED_STATUSES).values_list("pk", flat=True)[:50])
    if not beds or not studies:
        return 0
    start = timezone.localtime().replace(hour=8, minute=0, second=0, microsecond=0) + timedelta(days=14)
    total = scaled(BOOKINGS, factor, minimum=len(beds))
    rows = []
    for n in range(total):
        bed, k = beds[n % len(beds)], n // len(beds)
        admission = start - timedelta(days=4 * (k + 1)) + timedelta(hours=n % len(beds) % 4)
        rows.append(BedBooking(bed=bed, study_id=studies[n % len(studies)], note=BOOKING_NOTE,
                               period=DateTimeTZRange(admission, admission + timedelta(days=3))))
    BedBooking.objects.bulk_create(rows, batch_size=5000)
    return total


def seed_people(factor: float) -> str:
    added = [_patient_inquiries(factor), _team(), _bookings(factor)]
    if not any(added):
        return ""
    return (f"; a patient with {added[0]} inquiries, a team member on {added[1]} studies, "
            f"{added[2]:,} bed bookings")
