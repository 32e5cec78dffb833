"""Demo data: enough synthetic studies to try every filter, loaded twice without duplicates."""

from __future__ import annotations

import pytest

from accounts import demo as accounts_demo
from centers import demo as centers_demo
from studies import demo
from studies.models import Bed, BedBooking, Interest, Study

pytestmark = pytest.mark.django_db


def test_demo_data_loads_twice_without_duplicates():
    accounts_demo.load()
    centers_demo.load()
    first = demo.load()
    counts = (Study.objects.count(), Interest.objects.count(), BedBooking.objects.count(), Bed.objects.count())
    second = demo.load()
    assert (Study.objects.count(), Interest.objects.count(), BedBooking.objects.count(), Bed.objects.count()) == counts
    assert "(0 new), 0 new inquiries, 0 new TRC bookings" in second
    assert first != second


def test_demo_studies_cover_phases_centres_and_statuses():
    accounts_demo.load()
    centers_demo.load()
    demo.load()
    assert Study.objects.count() >= 60
    assert set(Study.objects.values_list("phase", flat=True)) == set(Study.Phase.values)
    assert Study.objects.values("center").distinct().count() >= 5
    assert Study.objects.filter(center__name="Translational Research Center", trc_inpatient=True).exists()
    assert Study.objects.filter(status__in=Study.CLOSED_STATUSES).exists()
    assert Study.objects.filter(is_public=False).exists()
    assert Study.objects.filter(healthy_volunteers=True).exists()
    assert Study.objects.filter(sex=Study.Sex.FEMALE).exists() and Study.objects.filter(sex=Study.Sex.MALE).exists()
    assert Study.objects.filter(questions__kind="number").exists()
    assert Study.objects.filter(search_vector__isnull=True).count() == 0
    team = Study.objects.filter(team__email=accounts_demo.demo_email("studyteam"))
    assert team.count() >= 3
    patient_inquiries = Interest.objects.filter(user__email=accounts_demo.demo_email("patient"))
    assert patient_inquiries.count() == 2
    assert all(i.name.endswith("(synthetic)") for i in Interest.objects.all())
    assert all(i.email.endswith(("@example.org", accounts_demo.DEMO_DOMAIN)) for i in Interest.objects.all())
    assert BedBooking.objects.filter(status="booked").count() >= 8
    assert Bed.objects.count() == 18
