"""Bulk actions of the triage desk: assign, triage, hold, decline with a reason, complete."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from accounts import roles
from consultations.models import Status, StatusChange
from tests.consultations.factories import ConsultationRequestFactory
from tests.factories import ServiceFactory, StaffMembershipFactory, UserFactory

CHANGELIST = reverse("admin:consultations_consultationrequest_changelist")


def act(client, action, requests, **extra):
    data = {"action": action, "_selected_action": [r.pk for r in requests], "index": 0, **extra}
    return client.post(CHANGELIST, data)


def flashed(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def two_new(researcher, service):
    return ConsultationRequestFactory.create_batch(2, requester=researcher, service=service)


@pytest.mark.django_db
def test_assign_to_me(client, two_new, staff_a):
    client.force_login(staff_a)
    response = act(client, "assign_to_me", two_new)
    assert response.status_code == 302
    assert flashed(response) == ["2 requests assigned to you."]
    for consultation in two_new:
        consultation.refresh_from_db()
        assert (consultation.status, consultation.assignee) == (Status.ASSIGNED, staff_a)


@pytest.mark.django_db
def test_assign_to_me_is_refused_outside_my_centres(client, researcher, center_b, staff_a):
    pool = ConsultationRequestFactory(requester=researcher, service=ServiceFactory(center=center_b))
    client.force_login(staff_a)
    messages = flashed(act(client, "assign_to_me", [pool]))
    assert messages == [f"You are not on the staff of {center_b}, so you cannot triage, take or log hours on "
                        f"{pool.reference}. If it was sent to the wrong centre, change its centre on the request's "
                        f"page; otherwise leave it to {center_b}'s staff, or ask an administrator to add you to it."]
    pool.refresh_from_db()
    assert pool.status == Status.SUBMITTED


@pytest.mark.django_db
def test_assign_to_shows_a_form_with_the_centres_staff_only(client, two_new, staff_a, staff_b, center_a):
    colleague = UserFactory(roles=[roles.DCR_STAFF], is_staff=True, full_name="Cole League")
    StaffMembershipFactory(user=colleague, center=center_a)
    client.force_login(staff_a)

    page = act(client, "assign_to", two_new)

    assert page.status_code == 200
    html = page.content.decode()
    assert "Assign requests" in html and two_new[0].reference in html
    choices = {person.full_name for person in page.context["form"].fields["assignee"].queryset}
    assert choices == {"Stella Staff-A", "Cole League"}
    for consultation in two_new:
        consultation.refresh_from_db()
        assert consultation.status == Status.SUBMITTED

    missing = act(client, "assign_to", two_new, apply="Assign")
    assert missing.status_code == 200
    assert missing.context["form"].errors["assignee"] == ["Choose who the requests go to."]

    done = act(client, "assign_to", two_new, apply="Assign", assignee=colleague.pk, note="Cole knows this area.")
    assert done.status_code == 302
    assert flashed(done) == ["2 requests assigned to Cole League."]
    two_new[0].refresh_from_db()
    assert two_new[0].assignee == colleague
    assert StatusChange.objects.filter(request=two_new[0], to_status=Status.ASSIGNED,
                                       note="Cole knows this area.").exists()


@pytest.mark.django_db
def test_assign_to_refuses_someone_from_another_centre(client, two_new, staff_a, staff_b):
    client.force_login(staff_a)
    response = act(client, "assign_to", two_new, apply="Assign", assignee=staff_b.pk)
    assert response.status_code == 200
    assert "Select a valid choice" in response.context["form"].errors["assignee"][0]
    two_new[0].refresh_from_db()
    assert two_new[0].assignee is None


@pytest.mark.django_db
def test_triage_hold_and_start_work(client, researcher, service, staff_a):
    fresh = ConsultationRequestFactory(requester=researcher, service=service)
    assigned = ConsultationRequestFactory(requester=researcher, service=service, status=Status.ASSIGNED,
                                          assignee=staff_a)
    client.force_login(staff_a)
    # Messages pile up until a page shows them: the newest is last.
    assert flashed(act(client, "triage", [fresh]))[-1] == "1 request triaged."
    assert flashed(act(client, "start_work", [assigned]))[-1] == "1 request in progress."
    assert flashed(act(client, "put_on_hold", [fresh, assigned]))[-1] == "2 requests put on hold."
    fresh.refresh_from_db()
    assigned.refresh_from_db()
    assert fresh.status == assigned.status == Status.ON_HOLD


@pytest.mark.django_db
def test_a_forbidden_move_is_reported_per_request(client, researcher, service, staff_a):
    fresh = ConsultationRequestFactory(requester=researcher, service=service)
    working = ConsultationRequestFactory(requester=researcher, service=service, status=Status.IN_PROGRESS,
                                         assignee=staff_a)
    client.force_login(staff_a)

    messages = flashed(act(client, "complete", [fresh, working]))

    assert messages == [
        "1 request completed.",
        f"{fresh.reference} is submitted and cannot become completed. It can become: triaged, on hold, declined, "
        "withdrawn.",
    ]
    fresh.refresh_from_db()
    working.refresh_from_db()
    assert (fresh.status, working.status) == (Status.SUBMITTED, Status.COMPLETED)


@pytest.mark.django_db
def test_decline_asks_for_a_reason_first(client, two_new, staff_a, outbox, django_capture_on_commit_callbacks):
    client.force_login(staff_a)
    page = act(client, "decline", two_new)
    assert page.status_code == 200 and "Reason for declining" in page.content.decode()

    empty = act(client, "decline", two_new, apply="Decline", reason="")
    assert empty.context["form"].errors["reason"] == ["Give the researcher a reason for declining."]

    with django_capture_on_commit_callbacks(execute=True):
        done = act(client, "decline", two_new, apply="Decline", reason="Outside what the unit offers.")
    assert flashed(done) == ["2 requests declined."]
    change = StatusChange.objects.get(request=two_new[0])
    assert (change.to_status, change.note) == (Status.DECLINED, "Outside what the unit offers.")
    assert len(outbox) == 2
    assert all("Outside what the unit offers" not in m.body for m in outbox)


@pytest.mark.django_db
def test_actions_only_touch_requests_the_staff_member_sees(client, researcher, center_b, staff_a, staff_b):
    hidden = ConsultationRequestFactory(requester=researcher, service=ServiceFactory(center=center_b),
                                        status=Status.ASSIGNED, assignee=staff_b)
    client.force_login(staff_a)
    act(client, "put_on_hold", [hidden])
    hidden.refresh_from_db()
    assert hidden.status == Status.ASSIGNED


@pytest.mark.django_db
def test_select_across_keeps_working_through_the_reason_page(client, two_new, staff_a):
    client.force_login(staff_a)
    first_page = [two_new[0]]
    page = act(client, "decline", first_page, select_across=1)
    assert 'name="select_across" value="1"' in page.content.decode()
    done = act(client, "decline", first_page, select_across=1, apply="Decline", reason="Not our field.")
    assert flashed(done) == ["2 requests declined."]


@pytest.mark.django_db
def test_assign_to_explains_when_no_one_can_take_every_selected_request(client, researcher, center_a, center_b,
                                                                        superuser):
    mixed = [ConsultationRequestFactory(requester=researcher, service=ServiceFactory(center=center))
             for center in (center_a, center_b)]
    client.force_login(superuser)
    page = act(client, "assign_to", mixed)
    html = page.content.decode()
    assert "Nobody is on the staff of every selected request&#x27;s centre" in html
    assert 'name="assignee"' not in html
