"""A request with a service routed to another centre shows in that centre's triage list, through the
lines kept routed by PostgreSQL (consultations.routing), whatever wrote the lines."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse

from accounts import roles
from centers.models import StaffMembership
from consultations import selectors, services
from consultations.models import ConsultationRequest, LineItem, RoutedLine
from consultations.quotes import Wanted
from tests.factories import CenterFactory, ServiceFactory, StaffMembershipFactory, UserFactory

CHANGELIST = reverse("admin:consultations_consultationrequest_changelist")


@pytest.fixture
def routed(researcher, service, center_b, staff_a):
    """Centre A's request, taken by A's staff (out of the shared pool), with one service of centre B."""
    recruitment = ServiceFactory(name="Subject recruitment", center=center_b)
    request = services.submit_request(requester=researcher, service=service, title="Walking pilot",
                                      summary="A pilot study.", study_stage="protocol", funding_status="unfunded",
                                      more=[Wanted(recruitment, Decimal("40"))])
    ConsultationRequest.objects.filter(pk=request.pk).update(assignee=staff_a)
    return request


def visible(user) -> set[int]:
    return set(selectors.staff_visible(user).values_list("pk", flat=True))


def every_line_rule(user) -> set[int]:
    """The rule as it reads, over every line: my centres' requests, the pool, mine, a line here."""
    mine = set(StaffMembership.objects.filter(user=user).values_list("center_id", flat=True))
    return {r.pk for r in ConsultationRequest.objects.prefetch_related("lines")
            if r.center_id in mine or r.assignee_id in (None, user.pk) or any(l.center_id in mine for l in r.lines.all())}


def test_a_routed_service_shows_the_request_to_that_centre_only(client, routed, staff_b, center_b):
    assert list(RoutedLine.objects.values_list("request_id", "center_id", "lines")) == [(routed.pk, center_b.pk, 1)]
    client.force_login(staff_b)
    assert routed.reference in client.get(CHANGELIST).content.decode()
    elsewhere = UserFactory(roles=[roles.DCR_STAFF], is_staff=True)
    StaffMembershipFactory(user=elsewhere, center=CenterFactory(name="Centre C"))
    client.force_login(elsewhere)
    assert routed.reference not in client.get(CHANGELIST).content.decode()


def test_the_routing_follows_every_change_of_lines_and_requests(routed, staff_a, staff_b, center_a, center_b):
    line = LineItem.objects.get(request=routed, center=center_b)
    LineItem.objects.filter(pk=line.pk).update(center=routed.center)  # the service comes home
    assert not RoutedLine.objects.filter(lines__gt=0).exists()
    assert routed.pk not in visible(staff_b)
    with connection.cursor() as cursor:  # behind the ORM's back
        cursor.execute("UPDATE consultations_lineitem SET center_id = %s WHERE id = %s", [center_b.pk, line.pk])
    assert routed.pk in visible(staff_b)
    ConsultationRequest.objects.filter(pk=routed.pk).update(center=center_b)  # the whole request moves to B
    assert list(RoutedLine.objects.filter(lines__gt=0).values_list("center_id", flat=True)) == [center_a.pk]
    assert routed.pk in visible(staff_b) and routed.pk in visible(staff_a)
    LineItem.objects.filter(request=routed).exclude(center=center_b).delete()
    assert not RoutedLine.objects.filter(lines__gt=0).exists()
    for user in (staff_a, staff_b):
        assert visible(user) == every_line_rule(user)
