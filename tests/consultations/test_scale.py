"""The triage desk with 50,000 requests: every filter answers quickly and with a fixed number of queries."""

from __future__ import annotations

import time

import pytest
from django.db import connection
from django.urls import reverse

from consultations.models import ConsultationRequest
from tests.consultations.factories import ConsultationRequestFactory
from tests.factories import ServiceFactory, UserFactory

ROWS = 50_000
CHANGELIST = reverse("admin:consultations_consultationrequest_changelist")
# Generous for a shared test machine: measured at a few tens of milliseconds each.
SECONDS_PER_PAGE = 2.0

STATUSES = ["submitted", "triaged", "assigned", "in_progress", "on_hold", "completed", "declined", "withdrawn"]


def insert_requests(count, *, requesters, services, staff):
    """Write ``count`` requests in one statement, spread over two years, statuses and centres."""
    table = ConsultationRequest._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"""
            INSERT INTO {table} (reference, requester_id, service_id, center_id, title, summary, study_stage,
                funding_status, sponsor, status, assignee_id, priority, hours_allotted, hours_used,
                submitted_at, overdue_at, updated_at)
            SELECT 'DCR-1999-' || lpad(n::text, 6, '0'),
                   (%(requesters)s::bigint[])[1 + n %% cardinality(%(requesters)s::bigint[])],
                   s.id, s.center_id,
                   'Study number ' || n, 'A synthetic summary for load testing.', 'protocol', 'unfunded', '',
                   (%(statuses)s::text[])[1 + n %% 8],
                   CASE WHEN n %% 8 IN (2, 3) THEN %(staff)s ELSE NULL END,
                   2, 8, 0,
                   now() - (n %% 730) * interval '1 day' - (n %% 24) * interval '1 hour',
                   now() - (n %% 730) * interval '1 day' + interval '2 days',
                   now()
            FROM generate_series(1, %(count)s) AS n
            JOIN (SELECT id, center_id, row_number() OVER (ORDER BY id) - 1 AS i FROM centers_service) s
              ON s.i = n %% %(services)s
        """, {"requesters": [u.pk for u in requesters], "statuses": STATUSES, "staff": staff.pk, "count": count,
              "services": len(services)})
        cursor.execute(f"ANALYZE {table}")


@pytest.mark.django_db
def test_changelist_stays_fast_at_fifty_thousand_requests(client, center_a, center_b, staff_a,
                                                          django_assert_max_num_queries):
    services = ServiceFactory.create_batch(3, center=center_a) + ServiceFactory.create_batch(3, center=center_b)
    requesters = UserFactory.create_batch(20)
    insert_requests(ROWS, requesters=requesters, services=services, staff=staff_a)
    wanted = ConsultationRequestFactory(requester=requesters[0], service=services[0], title="Needle in a haystack")
    assert ConsultationRequest.objects.count() == ROWS + 1

    pages = {
        "everything": {},
        "submitted": {"status__exact": "submitted"},
        "overdue": {"overdue": "yes"},
        "older than a month": {"age": "30d"},
        "mine": {"assignee": "me"},
        "unassigned in centre A": {"assignee": "none", "center__id__exact": center_a.pk},
        "by service": {"service__id__exact": services[1].pk},
        "reference": {"q": wanted.reference},
        "title words": {"q": "haystack"},
        "oldest first": {"o": "-7"},
        # Past 10,000 matches the list says "10,000+" and offers 200 pages of 50 (narrow it to go further).
        "last page": {"p": 200},
    }
    for person in (staff_a, UserFactory(is_staff=True, is_superuser=True)):
        client.force_login(person)
        for name, params in pages.items():
            started = time.perf_counter()
            with django_assert_max_num_queries(12):
                response = client.get(CHANGELIST, params)
            elapsed = time.perf_counter() - started
            print(f"{person.full_name[:12]:12} {name:24} {elapsed * 1000:6.0f} ms")
            assert response.status_code == 200, name
            assert elapsed < SECONDS_PER_PAGE, f"{name}: {elapsed:.2f}s"
    assert [c.title for c in response.context["cl"].result_list]  # the last page has rows
    assert "10,000+" in response.content.decode()
    assert client.get(CHANGELIST, {"p": 201}).status_code == 302  # no page past the ones offered


@pytest.mark.django_db
def test_a_centres_staff_see_their_share_of_fifty_thousand(client, center_a, center_b, staff_a, staff_b):
    services = ServiceFactory.create_batch(2, center=center_a) + ServiceFactory.create_batch(2, center=center_b)
    insert_requests(ROWS, requesters=UserFactory.create_batch(5), services=services, staff=staff_b)
    client.force_login(staff_a)
    response = client.get(CHANGELIST, {"status__exact": "assigned"})
    # Centre B's assigned requests (all of staff B's) stay out of centre A's list.
    assert response.context["cl"].result_count == ConsultationRequest.objects.filter(
        status="assigned", center=center_a).count()
