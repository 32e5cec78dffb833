"""Demo data: enough synthetic studies to try every filter, loaded twice without duplicates."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from accounts import demo as accounts_demo
from centers import demo as centers_demo
from studies import demo
from studies.models import Bed, BedBooking, Interest, Location, Study

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


def test_demo_studies_have_sites_that_near_me_finds_and_sorts(client):
    accounts_demo.load()
    centers_demo.load()
    demo.load()
    # Every demo study runs at our centre first, with a geo point; the multicentre ones elsewhere too.
    studies = Study.objects.prefetch_related("locations")
    assert all(study.locations.all() and study.locations.all()[0].is_ours for study in studies)
    assert Location.objects.filter(latitude__isnull=True).count() == 0
    assert Location.objects.exclude(country="United States").exists()
    assert Location.objects.filter(is_ours=False, country="United States").values("city").distinct().count() >= 10
    assert "0 new sites" in demo.load()

    response = client.get(reverse("studies:finder"), {"near": "02114", "distance": "50"})
    page = list(response.context["finder"].page)
    assert len(page) >= 5
    miles = [study.nearest_miles for study in page]
    assert miles == sorted(miles) and miles[0] < 2  # a Boston site, a mile or so from 02114
    body = response.content.decode()
    assert re.search(r"Nearest site: Beacon Hill Research Clinic \(synthetic\), Boston, Massachusetts, 02114, "
                     r"United States \((less than a mile away|about 1 miles)\)", body)

    # A town of New Hampshire finds our own centre or a site of the region, nearest first; 250 miles, more.
    near_dover = client.get(reverse("studies:finder"), {"near": "03820", "distance": "100"}).context["finder"]
    wide = client.get(reverse("studies:finder"), {"near": "Lebanon, NH", "distance": "250"}).context["finder"]
    assert near_dover.count > len(page) and wide.count == Study.objects.listed().filter(
        status__in=Study.OPEN_TO_INQUIRIES).count()
    assert [s.nearest_site.facility for s in wide.page][0] == wide.page[0].center.name
