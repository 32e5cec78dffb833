"""The dashboard's figures are computed once per scope and kept for a short while."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from dashboards import views
from tests.consultations.factories import ConsultationRequestFactory
from tests.factories import ServiceFactory

URL = reverse("dashboards:dashboard")


@pytest.mark.django_db
def test_figures_are_reused_until_the_cache_entry_expires(client, center_a, staff_a, django_assert_max_num_queries):
    ConsultationRequestFactory(service=ServiceFactory(center=center_a), title="First of all")
    client.force_login(staff_a)
    first = client.get(URL)
    assert "as of" in first.content.decode()
    ConsultationRequestFactory(service=ServiceFactory(center=center_a), title="Second request")
    with django_assert_max_num_queries(6):  # session, user, scope, centres: no aggregate runs again
        again = client.get(URL)
    assert again.context["tables"][0].rows == first.context["tables"][0].rows
    assert again.context["now"] == first.context["now"]  # the page says how old the figures are
    cache.clear()  # what TABLES_CACHE_SECONDS passing does
    fresh = client.get(URL)
    assert fresh.context["tables"][0].rows != first.context["tables"][0].rows
    assert views.TABLES_CACHE_SECONDS <= 300


@pytest.mark.django_db
def test_each_scope_has_its_own_figures(client, center_a, center_b, staff_a, staff_b):
    ConsultationRequestFactory(service=ServiceFactory(center=center_b), title="Centre B overdue", )
    client.force_login(staff_b)
    assert client.get(URL).context["centres"] != []
    client.force_login(staff_a)
    response = client.get(URL)
    assert all("Centre B overdue" not in str(table.rows) for table in response.context["tables"])
    assert response.context["centres"] == [center_a.name]
