"""The triage list is kept rendered per staff member, and forgotten the moment what it shows changes."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from centers.models import StaffMembership
from consultations import services
from consultations.models import Status
from tests.consultations.factories import ConsultationRequestFactory
from tests.factories import UserFactory

CHANGELIST = reverse("admin:consultations_consultationrequest_changelist")


def rendered(response) -> bool:
    """Rendered now (a template response with its context), not served from the cache."""
    return response.context is not None


@pytest.fixture
def listing(client, staff_a, service):
    request = ConsultationRequestFactory(service=service, title="Sleep apnoea cohort")
    client.force_login(staff_a)
    first = client.get(CHANGELIST)
    assert rendered(first)
    return request


@pytest.mark.django_db
def test_second_visit_is_served_from_the_cache_with_the_same_rows(client, listing, django_assert_max_num_queries):
    # The session and user rows (the tests keep sessions in the database); permissions and the page
    # come from the cache.
    with django_assert_max_num_queries(2):
        again = client.get(CHANGELIST)
    assert not rendered(again)
    assert "Sleep apnoea cohort" in again.content.decode()
    assert listing.reference in again.content.decode()


@pytest.mark.django_db
def test_a_status_change_shows_at_once(client, listing, staff_a):
    client.get(CHANGELIST)
    services.assign(listing, staff_a, by=staff_a)
    page = client.get(CHANGELIST)
    assert rendered(page)
    row = next(r for r in page.context["cl"].result_list if r.pk == listing.pk)
    assert row.status == Status.ASSIGNED
    assert "Stella Staff-A" in page.content.decode()


@pytest.mark.django_db
def test_logged_hours_show_at_once(client, listing, staff_a):
    client.get(CHANGELIST)
    services.log_time(listing, consultant=staff_a, hours=Decimal("1.5"), date=timezone.localdate())
    assert '<td class="field-hours">1.5</td>' in client.get(CHANGELIST).content.decode()


@pytest.mark.django_db
def test_a_renamed_requester_shows_at_once(client, listing):
    client.get(CHANGELIST)
    listing.requester.full_name = "Renamed Person"
    listing.requester.save()
    assert "Renamed Person" in client.get(CHANGELIST).content.decode()


@pytest.mark.django_db
def test_someone_signing_in_keeps_the_list(client, researcher, listing):
    Client().force_login(researcher)  # Django records the sign-in on the user row
    assert not rendered(client.get(CHANGELIST))


@pytest.mark.django_db
def test_each_staff_member_has_their_own_page(client, listing, staff_b, center_b):
    other_centre = ConsultationRequestFactory(service__center=center_b, title="Only for centre B",
                                              status=Status.ASSIGNED, assignee=staff_b)
    client.get(CHANGELIST)
    page_a = client.get(CHANGELIST).content.decode()
    assert "Only for centre B" not in page_a
    other = Client()
    other.force_login(staff_b)
    page_b = other.get(CHANGELIST)
    assert rendered(page_b)
    assert other_centre.title in page_b.content.decode()


@pytest.mark.django_db
def test_leaving_a_centre_takes_its_requests_off_the_list_at_once(client, staff_a, service, center_a):
    colleague = UserFactory(roles=[roles.DCR_STAFF], is_staff=True)
    StaffMembership.objects.create(user=colleague, center=center_a)
    ConsultationRequestFactory(service=service, title="Worked by a colleague", status=Status.IN_PROGRESS,
                               assignee=colleague)
    client.force_login(staff_a)
    client.get(CHANGELIST)
    assert "Worked by a colleague" in client.get(CHANGELIST).content.decode()
    StaffMembership.objects.filter(user=staff_a, center=center_a).delete()
    assert "Worked by a colleague" not in client.get(CHANGELIST).content.decode()


@pytest.mark.django_db
def test_a_page_from_the_cache_carries_the_visitors_own_csrf_token(listing, staff_a):
    """The page stored from one session (the fixture's) is served to the same person in another
    browser, whose CSRF secret differs: the action form must still be accepted there."""
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(staff_a)
    cached = browser.get(CHANGELIST)
    assert not rendered(cached)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', cached.content.decode())[1]
    response = browser.post(CHANGELIST, {"csrfmiddlewaretoken": token, "action": "assign_to_me",
                                         "_selected_action": [listing.pk]})
    assert response.status_code == 302
    listing.refresh_from_db()
    assert listing.status == Status.ASSIGNED and listing.assignee == staff_a


@pytest.mark.django_db
def test_a_page_with_messages_is_rendered_and_the_message_shown_once(client, listing):
    client.get(CHANGELIST)
    client.post(CHANGELIST, {"action": "assign_to_me", "_selected_action": [listing.pk]})
    with_message = client.get(CHANGELIST)
    assert rendered(with_message)
    assert "1 request assigned to you" in with_message.content.decode()
    assert "1 request assigned to you" not in client.get(CHANGELIST).content.decode()


@pytest.mark.django_db
def test_a_role_taken_away_counts_on_the_next_request(client, listing, staff_a):
    client.get(CHANGELIST)
    staff_a.groups.clear()
    assert client.get(CHANGELIST).status_code == 403
