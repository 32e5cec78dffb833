"""/consultations/mine/: a researcher's own requests with status, consultant and hours."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from consultations.models import Status
from tests.consultations.factories import ConsultationRequestFactory

URL = reverse("consultations:mine")


@pytest.mark.django_db
def test_lists_only_my_requests_with_what_i_need_to_know(client, researcher, other_researcher, service, staff_a):
    ConsultationRequestFactory(requester=researcher, service=service, title="My cohort question",
                               status=Status.IN_PROGRESS, assignee=staff_a, hours_used=Decimal("3.5"))
    ConsultationRequestFactory(requester=other_researcher, service=service, title="Somebody else's trial")
    client.force_login(researcher)

    html = client.get(URL).content.decode()

    assert "My cohort question" in html
    assert "Somebody else&#x27;s trial" not in html and "Somebody else's trial" not in html
    assert "In progress" in html
    assert "Stella Staff-A" in html
    assert "3.5 of 8" not in html and "3.5" in html  # hours worked on a priced service, no allotment
    service.free_of_charge = True
    service.save()  # as the catalogue is edited in the staff desk: the stored page is forgotten
    assert "3.5 of 8" in client.get(reverse("consultations:mine")).content.decode()


@pytest.mark.django_db
def test_unassigned_requests_say_so(client, researcher, consultation):
    client.force_login(researcher)
    assert "Not yet assigned" in client.get(URL).content.decode()


@pytest.mark.django_db
def test_empty_list_invites_a_first_request(client, researcher):
    client.force_login(researcher)
    html = client.get(URL).content.decode()
    assert "You have not asked for a consultation yet." in html
    assert reverse("consultations:new") in html


@pytest.mark.django_db
def test_query_count_does_not_grow_with_the_list(client, researcher, service, staff_a,
                                                 django_assert_max_num_queries):
    for number in range(20):
        ConsultationRequestFactory(requester=researcher, service=service,
                                   status=Status.ASSIGNED if number % 2 else Status.SUBMITTED,
                                   assignee=staff_a if number % 2 else None)
    client.force_login(researcher)
    # session, user, roles, count, page of rows (service, centre, consultant joined)
    with django_assert_max_num_queries(6):
        response = client.get(URL)
    assert response.content.decode().count("/consultations/DCR-2000-") == 40  # table row + phone card


@pytest.mark.django_db
def test_long_lists_are_paginated(client, researcher, service):
    ConsultationRequestFactory.create_batch(25, requester=researcher, service=service)
    client.force_login(researcher)
    first = client.get(URL)
    assert len(first.context["page"].object_list) == 20
    assert "Page 1 of 2" in first.content.decode()
    assert len(client.get(URL, {"page": 2}).context["page"].object_list) == 5


@pytest.mark.django_db
def test_the_list_needs_a_researcher(client, patient):
    assert client.get(URL).status_code == 302
    client.force_login(patient)
    assert client.get(URL).status_code == 403


@pytest.mark.django_db
def test_consultations_root_leads_to_my_requests(client, researcher):
    client.force_login(researcher)
    assert client.get(reverse("consultations:index"))["Location"] == URL
