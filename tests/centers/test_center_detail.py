"""A centre's or unit's page: mission, services, contact; closed ones are not found."""

from __future__ import annotations

import pytest

from centers.models import Center
from tests.factories import CenterFactory, ServiceFactory


@pytest.mark.django_db
def test_shows_the_mission_description_services_and_contact(client):
    center = CenterFactory(name="Center for Regulatory Science", mission="Guides IND and IDE submissions.",
                           description="First paragraph.\n\nSecond paragraph.", phone="+1 603 555 0100",
                           location="Research Building, floor 3")
    ServiceFactory(center=center, name="IND/IDE submission", slug="ind-ide", typical_hours_min=6,
                   typical_hours_max=8, free_of_charge=True)
    ServiceFactory(center=center, name="Old service", slug="old", active=False)
    response = client.get(center.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1" in html and html.count("<h1") == 1
    assert "Center for Regulatory Science</h1>" in html
    assert "Guides IND and IDE submissions." in html
    assert "<p>Second paragraph.</p>" in html
    assert "IND/IDE submission" in html and "6-8 hours" in html
    assert "Old service" not in html
    assert 'href="mailto:center-for-regulatory-science@dcr.example.org"' in html
    assert 'href="tel:+16035550100"' in html
    assert "Research Building, floor 3" in html
    assert 'href="/centers/services/ind-ide/"' in html


@pytest.mark.django_db
def test_a_unit_without_services_says_how_to_reach_it(client):
    unit = CenterFactory(name="Research Pharmacy", kind=Center.Kind.UNIT)
    html = client.get(unit.get_absolute_url()).content.decode()
    assert "Unit" in html
    assert "This unit does not list services for outside requests; contact it directly." in html


@pytest.mark.django_db
def test_an_inactive_centre_is_not_found(client):
    center = CenterFactory(name="Closed Center", active=False)
    assert client.get(center.get_absolute_url()).status_code == 404


@pytest.mark.django_db
def test_an_unknown_slug_is_not_found(client):
    assert client.get("/centers/no-such-centre/").status_code == 404


@pytest.mark.django_db
def test_query_count_does_not_grow_with_services(client, django_assert_max_num_queries):
    center = CenterFactory(name="Busy Center")
    for number in range(12):
        ServiceFactory(center=center, name=f"Busy service {number}")
    with django_assert_max_num_queries(2):
        response = client.get(center.get_absolute_url())
    assert response.content.decode().count("Busy service") == 12
