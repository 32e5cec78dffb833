"""Service pages and the list of services."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import CenterFactory, ServiceFactory

LIST = reverse("centers:service_list")


@pytest.mark.django_db
def test_a_service_page_shows_what_it_is_who_provides_it_and_how_to_ask(client):
    center = CenterFactory(name="Faculty Consultation Unit")
    service = ServiceFactory(center=center, name="Faculty consultation", slug="faculty-consultation",
                             summary="A free 6-8 hour consultation.", description="Line one.\n\nLine two.",
                             typical_hours_min=6, typical_hours_max=8, free_of_charge=True)
    response = client.get(service.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1 and "Faculty consultation</h1>" in html
    assert "A free 6-8 hour consultation." in html
    assert "<p>Line two.</p>" in html
    assert "6-8 hours" in html and "Free of charge" in html
    assert f'href="{center.get_absolute_url()}"' in html
    assert f'href="{LIST}"' in html  # breadcrumb back to the list


@pytest.mark.django_db
def test_a_paid_service_says_the_cost_is_agreed(client):
    service = ServiceFactory(name="Study budgeting", slug="study-budgeting")
    assert "Agreed with the team before work starts" in client.get(service.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_an_inactive_service_is_not_found(client):
    service = ServiceFactory(slug="gone", active=False)
    assert client.get(service.get_absolute_url()).status_code == 404


@pytest.mark.django_db
def test_a_service_of_an_inactive_centre_is_not_found(client):
    service = ServiceFactory(slug="orphan", center=CenterFactory(name="Closed", active=False))
    assert client.get(service.get_absolute_url()).status_code == 404


@pytest.mark.django_db
def test_the_list_shows_active_services_of_active_centres_only(client):
    open_center = CenterFactory(name="Open Center")
    ServiceFactory(center=open_center, name="Biostatistics", slug="biostatistics")
    ServiceFactory(center=open_center, name="Retired service", slug="retired", active=False)
    ServiceFactory(center=CenterFactory(name="Closed Center", active=False), name="Orphan service", slug="orphan")
    response = client.get(LIST)
    html = response.content.decode()
    assert response.status_code == 200
    assert [s.name for s in response.context["services"]] == ["Biostatistics"]
    assert "Open Center" in html
    assert "Retired service" not in html and "Orphan service" not in html
    assert html.count("<h1") == 1


@pytest.mark.django_db
def test_an_empty_list_says_so(client):
    assert "No services are listed at the moment." in client.get(LIST).content.decode()


@pytest.mark.django_db
def test_typical_hours_reads_well():
    assert ServiceFactory.build(typical_hours_min=6, typical_hours_max=8).typical_hours == "6-8 hours"
    assert ServiceFactory.build(typical_hours_min=4, typical_hours_max=4).typical_hours == "4 hours"
    assert ServiceFactory.build(typical_hours_min=None, typical_hours_max=10).typical_hours == "10 hours"
    assert ServiceFactory.build(typical_hours_min=None, typical_hours_max=None).typical_hours == ""


@pytest.mark.django_db
def test_hours_out_of_order_are_refused_by_the_database():
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        ServiceFactory(typical_hours_min=8, typical_hours_max=6)


@pytest.mark.django_db
def test_list_query_count_does_not_grow_with_services(client, django_assert_max_num_queries):
    for number in range(25):
        ServiceFactory(name=f"Listed service {number}", center=CenterFactory(name=f"Provider {number}"))
    with django_assert_max_num_queries(1):
        response = client.get(LIST)
    assert response.content.decode().count("Listed service") == 25
