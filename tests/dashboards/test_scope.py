"""The dashboard says what it shows, lets a person with several centres choose, and explains what is empty."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from centers.models import StaffMembership
from consultations.models import Status
from dashboards.charts import Series, bars
from tests.consultations.factories import ConsultationRequestFactory
from tests.factories import CenterFactory, ServiceFactory
from tests.studies.factories import InterestFactory, StudyFactory

URL = reverse("dashboards:dashboard")


@pytest.fixture
def two_centres(staff_a, center_b):
    StaffMembership.objects.create(user=staff_a, center=center_b)
    return staff_a


def test_the_page_names_its_scope_and_a_person_with_several_centres_narrows_it(client, two_centres, center_a,
                                                                               center_b):
    client.force_login(two_centres)
    html = client.get(URL).content.decode()
    assert f"Figures for <strong>{center_a.name}, {center_b.name}</strong>" in html
    assert f'<option value="{center_b.pk}">{center_b.name}</option>' in html and "All my centres" in html
    narrowed = client.get(URL, {"centre": center_b.pk}).content.decode()
    assert f"Figures for <strong>{center_b.name}</strong>" in narrowed
    assert f'href="{reverse("dashboards:table_csv", args=["turnaround"])}?centre={center_b.pk}"' in narrowed


def test_a_centre_that_is_not_ones_own_is_ignored(client, staff_a, center_a):
    elsewhere = CenterFactory(name="Someone else's centre")
    client.force_login(staff_a)
    html = client.get(URL, {"centre": elsewhere.pk}).content.decode()
    assert f"Figures for <strong>{center_a.name}</strong>" in html and "Someone else" not in html
    assert 'name="centre"' not in html  # one centre: nothing to choose


def test_empty_study_charts_say_why_and_what_to_do(client, two_centres, center_b):
    InterestFactory(study=StudyFactory(center=CenterFactory(name="Trials Centre")))
    client.force_login(two_centres)
    html = client.get(URL).content.decode()
    assert html.count("No study inquiries in the last 12 months for the studies run by") == 2
    assert "choose another centre above" in html


def test_inquiries_of_the_scopes_studies_are_charted(client, staff_a, center_a):
    InterestFactory(study=StudyFactory(center=center_a, short_title="A-STUDY"))
    client.force_login(staff_a)
    html = client.get(URL).content.decode()
    assert "No study inquiries" not in html and "A-STUDY" in html


def test_overdue_references_link_to_the_request(client, staff_a, center_a):
    late = ConsultationRequestFactory(service=ServiceFactory(center=center_a), status=Status.SUBMITTED,
                                      submitted_at=timezone.now() - datetime.timedelta(days=12),
                                      overdue_at=timezone.now() - datetime.timedelta(days=9))
    client.force_login(staff_a)
    html = client.get(URL).content.decode()
    assert f'<a href="{late.get_admin_url()}">{late.reference}</a>' in html
    csv_text = client.get(reverse("dashboards:table_csv", args=["overdue"])).content.decode()
    assert f"{late.reference},{center_a.name}" in csv_text


def test_long_centre_names_wrap_instead_of_being_cut():
    name = "Center for Patient-Centered Outcomes Research and Community Engagement"
    svg = str(bars([name, "Biobank"], [Series("Open", [3, 1])], title="Open requests"))
    assert "…" not in svg
    assert ">Center for Patient-Centered Outcomes</tspan>" in svg
    assert ">Research and Community Engagement</tspan>" in svg
