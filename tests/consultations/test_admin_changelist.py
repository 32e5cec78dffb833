"""The triage desk's list: who sees which requests, filters, search, columns, query budget, CSV."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from consultations.models import Status
from tests.consultations.factories import ConsultationRequestFactory
from tests.factories import ServiceFactory, UserFactory

CHANGELIST = reverse("admin:consultations_consultationrequest_changelist")
EXPORT = reverse("admin:consultations_consultationrequest_export")


def listed(client, params=None):
    cache.clear()  # the rows as rendered now, not a page kept from an earlier visit (test_triage_cache)
    response = client.get(CHANGELIST, params or {})
    assert response.status_code == 200, response.status_code
    return {c.title for c in response.context["cl"].result_list}


@pytest.fixture
def desk(researcher, center_a, center_b, staff_a, staff_b):
    """Three requests: one of centre A (assigned), one unassigned of B, one of B assigned in B."""
    service_a, service_b = ServiceFactory(center=center_a), ServiceFactory(center=center_b)
    return {
        "a_assigned": ConsultationRequestFactory(requester=researcher, service=service_a, title="A assigned",
                                                 status=Status.ASSIGNED, assignee=staff_a),
        "b_pool": ConsultationRequestFactory(requester=researcher, service=service_b, title="B unassigned"),
        "b_assigned": ConsultationRequestFactory(requester=researcher, service=service_b, title="B assigned",
                                                 status=Status.IN_PROGRESS, assignee=staff_b),
    }


@pytest.mark.django_db
def test_staff_see_their_centre_and_unassigned_requests_only(client, desk, staff_a):
    client.force_login(staff_a)
    assert listed(client) == {"A assigned", "B unassigned"}


@pytest.mark.django_db
def test_another_centres_request_cannot_be_opened_by_url(client, desk, staff_a):
    client.force_login(staff_a)
    hidden = desk["b_assigned"]
    for name in ("change", "status", "assign", "history"):
        response = client.get(reverse(f"admin:consultations_consultationrequest_{name}", args=[hidden.pk]),
                              follow=True)
        assert response.status_code in (200, 404)  # the admin redirects to its index, or: not found
        assert "B assigned" not in response.content.decode()
        assert hidden.reference not in response.content.decode()


@pytest.mark.django_db
def test_superusers_see_everything(client, desk, superuser):
    client.force_login(superuser)
    assert listed(client) == {"A assigned", "B unassigned", "B assigned"}


@pytest.mark.django_db
def test_staff_without_the_dcr_role_cannot_open_the_desk(client, desk, study_team_member):
    client.force_login(study_team_member)
    assert client.get(CHANGELIST).status_code == 403


@pytest.mark.django_db
def test_filters_by_status_assignee_and_centre(client, desk, staff_a, center_a):
    client.force_login(staff_a)
    assert listed(client, {"status__exact": Status.ASSIGNED}) == {"A assigned"}
    assert listed(client, {"assignee": "me"}) == {"A assigned"}
    assert listed(client, {"assignee": "none"}) == {"B unassigned"}
    assert listed(client, {"assignee": str(staff_a.pk)}) == {"A assigned"}
    assert listed(client, {"center__id__exact": center_a.pk}) == {"A assigned"}


@pytest.mark.django_db
def test_age_and_overdue_filters(client, researcher, service, staff_a):
    now = timezone.now()
    for title, days, status in [("Fresh", 0, Status.SUBMITTED), ("Three days", 3, Status.SUBMITTED),
                                ("Ten days", 10, Status.SUBMITTED), ("Old triaged", 40, Status.TRIAGED)]:
        ConsultationRequestFactory(requester=researcher, service=service, title=title, status=status,
                                   submitted_at=now - timedelta(days=days, minutes=1))
    client.force_login(staff_a)
    assert listed(client, {"age": "today"}) <= {"Fresh"}  # "Fresh" is today unless the test runs at midnight
    assert listed(client, {"age": "2d"}) == {"Three days", "Ten days", "Old triaged"}
    assert listed(client, {"age": "7d"}) == {"Ten days", "Old triaged"}
    assert listed(client, {"age": "30d"}) == {"Old triaged"}
    # Ten calendar days always hold two working days; a triaged request is never overdue.
    assert "Ten days" in listed(client, {"overdue": "yes"})
    assert listed(client, {"overdue": "yes"}) <= {"Three days", "Ten days"}
    assert {"Fresh", "Old triaged"} <= listed(client, {"overdue": "no"})


@pytest.mark.django_db
def test_search_by_reference_title_or_requester(client, researcher, service, staff_a):
    ada = UserFactory(roles=[roles.RESEARCHER], full_name="Ada Lovelace", email="ada@example.org")
    wanted = ConsultationRequestFactory(requester=ada, service=service, title="Engine of analysis")
    ConsultationRequestFactory(requester=researcher, service=service, title="Something else")
    client.force_login(staff_a)
    assert listed(client, {"q": wanted.reference}) == {"Engine of analysis"}
    assert listed(client, {"q": wanted.reference.lower()}) == {"Engine of analysis"}
    assert listed(client, {"q": "engine"}) == {"Engine of analysis"}
    assert listed(client, {"q": "lovelace"}) == {"Engine of analysis"}
    assert listed(client, {"q": "ada@example.org"}) == {"Engine of analysis"}


@pytest.mark.django_db
def test_search_needs_every_word_and_finds_parts_of_references(client, researcher, service, staff_a):
    ada = UserFactory(roles=[roles.RESEARCHER], full_name="Ada Lovelace", email="ada@example.org")
    engine = ConsultationRequestFactory(requester=ada, service=service, title="Engine of analysis",
                                        reference="DCR-2026-00042")
    ConsultationRequestFactory(requester=ada, service=service, title="Notes on a translation")
    ConsultationRequestFactory(requester=researcher, service=service, title="Analysis of engines")
    client.force_login(staff_a)
    assert listed(client, {"q": "lovelace analysis"}) == {"Engine of analysis"}
    assert listed(client, {"q": "analysis"}) == {"Engine of analysis", "Analysis of engines"}
    assert listed(client, {"q": "00042"}) == {engine.title}
    assert listed(client, {"q": "DCR"}) == set()  # every reference starts so; words without digits search titles
    assert listed(client, {"q": "   "}) == {"Engine of analysis", "Notes on a translation", "Analysis of engines"}


@pytest.mark.django_db
def test_columns_show_age_overdue_and_hours(client, researcher, service, staff_a):
    ConsultationRequestFactory(requester=researcher, service=service, title="Waiting a while",
                               submitted_at=timezone.now() - timedelta(days=12))
    ConsultationRequestFactory(requester=researcher, service=service, title="Hours used up",
                               status=Status.IN_PROGRESS, assignee=staff_a, hours_used=Decimal("8"))
    client.force_login(staff_a)
    html = client.get(CHANGELIST).content.decode()
    for heading in ("Age (days)", "Overdue", "Hours used", "Consultant", "Title, service and centre"):
        assert heading in html
    assert f"Biostatistics consult · {service.center.name}" in html
    assert '<td class="field-age">12</td>' in html
    assert html.count('<strong class="overdue-flag">Overdue</strong>') == 1
    # A priced service shows the hours worked, with no free allotment.
    assert '<td class="field-hours">8</td>' in html and "of 8" not in html
    service.free_of_charge = True  # the faculty consultation: its 8 free hours count down
    service.save()
    html = client.get(CHANGELIST).content.decode()
    assert "8 of 8 ⚠" in html
    assert "0 of 8" in html


@pytest.mark.django_db
def test_query_budget_of_the_changelist(client, researcher, center_a, staff_a, django_assert_max_num_queries):
    services_of_a = ServiceFactory.create_batch(3, center=center_a)
    for number in range(20):
        assigned = number % 3 == 0
        ConsultationRequestFactory(requester=UserFactory(), service=services_of_a[number % 3],
                                   status=Status.ASSIGNED if assigned else Status.SUBMITTED,
                                   assignee=staff_a if assigned else None)
    client.force_login(staff_a)
    with django_assert_max_num_queries(12):
        response = client.get(CHANGELIST)
    assert len(response.context["cl"].result_list) == 20
    with django_assert_max_num_queries(12):
        client.get(CHANGELIST, {"status__exact": "submitted", "age": "2d", "overdue": "yes", "q": "pilot"})
    # No counts per filter choice (a query each, every row scanned), even when asked for.
    cache.clear()
    with django_assert_max_num_queries(12):
        response = client.get(CHANGELIST, {"_facets": "True"})
    assert "Show counts" not in response.content.decode()


# --- CSV export ------------------------------------------------------------------------

def read_csv(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="consultation-requests-')
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


@pytest.mark.django_db
def test_export_honours_filters_and_visibility(client, desk, staff_a):
    client.force_login(staff_a)
    everything = read_csv(client.get(EXPORT))
    assert {row["Title"] for row in everything} == {"A assigned", "B unassigned"}
    filtered = read_csv(client.get(EXPORT, {"status__exact": Status.SUBMITTED}))
    assert [row["Reference"] for row in filtered] == [desk["b_pool"].reference]
    row = filtered[0]
    assert (row["Status"], row["Hours used"], row["Hours allotted"], row["Overdue"]) == ("Submitted", "0", "8", "no")


@pytest.mark.django_db
def test_changelist_links_to_the_export_with_its_filters(client, desk, staff_a):
    client.force_login(staff_a)
    html = client.get(CHANGELIST, {"status__exact": "submitted"}).content.decode()
    assert f'href="{EXPORT}?status__exact=submitted"' in html


@pytest.mark.django_db
def test_export_cannot_run_formulas_in_a_spreadsheet(client, researcher, service, staff_a):
    ConsultationRequestFactory(requester=researcher, service=service, title='=HYPERLINK("http://x")')
    client.force_login(staff_a)
    (row,) = read_csv(client.get(EXPORT))
    assert row["Title"] == "'=HYPERLINK(\"http://x\")"


@pytest.mark.django_db
def test_export_of_selected_rows_as_an_action(client, desk, staff_a):
    client.force_login(staff_a)
    response = client.post(CHANGELIST, {"action": "export_csv", "_selected_action": [desk["a_assigned"].pk],
                                        "index": 0})
    assert [row["Title"] for row in read_csv(response)] == ["A assigned"]


@pytest.mark.django_db
def test_export_needs_the_desk_permission(client, desk, study_team_member):
    client.force_login(study_team_member)
    assert client.get(EXPORT).status_code == 403


@pytest.mark.django_db
def test_the_rule_for_one_request_agrees_with_the_list(desk, staff_a, staff_b, superuser, study_team_member):
    from consultations import selectors

    for person in (staff_a, staff_b, superuser, study_team_member):
        listed_ids = set(selectors.staff_visible(person).values_list("pk", flat=True))
        one_by_one = {c.pk for c in desk.values() if selectors.staff_can_see(person, c)}
        assert one_by_one == listed_ids, person
