"""What keeps the triage list cheap at 50,000 requests: a row checkbox written directly, and the
total of matching requests reused for a few seconds."""

import pytest
from django.contrib.admin import ModelAdmin, site
from django.core.cache import cache
from django.urls import reverse

from consultations.admin.paginator import RecentCountPaginator
from consultations.models import ConsultationRequest
from tests.consultations.factories import ConsultationRequestFactory
from tests.factories import ServiceFactory

CHANGELIST = reverse("admin:consultations_consultationrequest_changelist")


@pytest.mark.django_db
def test_row_checkbox_matches_djangos_own():
    request = ConsultationRequestFactory(title='Fish & "chips" <study>')
    model_admin = site._registry[ConsultationRequest]
    assert model_admin.action_checkbox(request) == ModelAdmin.action_checkbox(model_admin, request)


@pytest.mark.django_db
def test_total_is_reused_briefly_but_rows_are_fresh(client, center_a, staff_a):
    service = ServiceFactory(center=center_a)
    ConsultationRequestFactory.create_batch(2, service=service)
    client.force_login(staff_a)
    first = client.get(CHANGELIST)
    assert first.context["cl"].result_count == 2
    newest = ConsultationRequestFactory(service=service, title="Arrived a moment ago")
    again = client.get(CHANGELIST)
    assert "Arrived a moment ago" in again.content.decode()  # the rows are read fresh
    assert again.context["cl"].result_count == 2  # the total lags for at most COUNT_SECONDS
    assert RecentCountPaginator.COUNT_SECONDS <= 60
    cache.clear()  # what COUNT_SECONDS passing does
    assert client.get(CHANGELIST).context["cl"].result_count == 3
    # Another filter is another count.
    assert client.get(CHANGELIST, {"q": newest.reference}).context["cl"].result_count == 1


@pytest.mark.django_db
def test_total_stops_at_its_cap_and_says_so(client, center_a, staff_a, monkeypatch):
    """A first visit counts at most COUNT_CAP rows, whatever the table holds; the list says "N+"."""
    monkeypatch.setattr(RecentCountPaginator, "COUNT_CAP", 3)
    service = ServiceFactory(center=center_a)
    ConsultationRequestFactory.create_batch(5, service=service, title="One of many")
    client.force_login(staff_a)
    response = client.get(CHANGELIST)
    assert response.context["cl"].result_count == 3
    assert "3+ consultation requests" in response.content.decode()
    assert response.content.decode().count("One of many") >= 5  # every row of the page is still there
    cache.clear()
    assert client.get(CHANGELIST, {"q": "One of many"}).status_code == 200
    monkeypatch.setattr(RecentCountPaginator, "COUNT_CAP", 10)
    cache.clear()
    assert client.get(CHANGELIST).context["cl"].result_count == 5  # under the cap: the exact number
