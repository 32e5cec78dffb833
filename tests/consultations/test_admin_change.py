"""A request's page on the triage desk: history, messages, hours, the status and assignment forms."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from centers.models import Service
from consultations import services
from consultations.models import Message, Status, StatusChange, TimeEntry
from tests.consultations.factories import ConsultationRequestFactory, MessageFactory, TimeEntryFactory
from tests.factories import CenterFactory


def change_url(consultation):
    return reverse("admin:consultations_consultationrequest_change", args=[consultation.pk])


def inline_data(consultation, *, messages=(), entries=(), **fields):
    """The change form as a browser posts it: no existing inline rows edited, new ones appended."""
    existing_messages = consultation.messages.count()
    existing_entries = consultation.time_entries.count()
    data = {
        "service": consultation.service_id, "center": consultation.center_id,
        "priority": consultation.priority, "hours_allotted": str(consultation.hours_allotted),
        "status_changes-TOTAL_FORMS": 0, "status_changes-INITIAL_FORMS": 0,
        "messages-TOTAL_FORMS": existing_messages + len(messages), "messages-INITIAL_FORMS": existing_messages,
        "time_entries-TOTAL_FORMS": existing_entries + len(entries), "time_entries-INITIAL_FORMS": existing_entries,
    }
    for index, message in enumerate(consultation.messages.all()):
        data[f"messages-{index}-id"] = message.pk
        data[f"messages-{index}-request"] = consultation.pk
    for index, entry in enumerate(consultation.time_entries.all()):
        data[f"time_entries-{index}-id"] = entry.pk
        data[f"time_entries-{index}-request"] = consultation.pk
    for offset, message in enumerate(messages):
        index = existing_messages + offset
        data[f"messages-{index}-request"] = consultation.pk
        data[f"messages-{index}-body"] = message["body"]
        if message.get("internal"):
            data[f"messages-{index}-internal"] = "on"
    for offset, entry in enumerate(entries):
        index = existing_entries + offset
        data[f"time_entries-{index}-request"] = consultation.pk
        data.update({f"time_entries-{index}-{key}": value for key, value in entry.items()})
    data.update(fields)
    return data


def flashed(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.mark.django_db
def test_page_shows_history_thread_with_internal_notes_and_hours(client, consultation, staff_a):
    services.assign(consultation, staff_a, by=staff_a)
    MessageFactory(request=consultation, author=consultation.requester, body="When can we meet?")
    MessageFactory(request=consultation, author=staff_a, body="Budget looks thin", internal=True)
    TimeEntryFactory(request=consultation, consultant=staff_a, hours=Decimal("1.5"), note="First meeting")
    client.force_login(staff_a)

    html = client.get(change_url(consultation)).content.decode()

    assert "Triaged on assignment." in html
    assert "When can we meet?" in html and "Budget looks thin" in html
    assert "First meeting" in html
    assert reverse("admin:consultations_consultationrequest_status", args=[consultation.pk]) in html
    assert reverse("admin:consultations_consultationrequest_assign", args=[consultation.pk]) in html
    assert 'name="status"' not in html  # the status moves only through its own form


@pytest.mark.django_db
def test_query_budget_of_the_change_page(client, consultation, staff_a, django_assert_max_num_queries):
    for number in range(8):
        MessageFactory(request=consultation, author=staff_a if number % 2 else consultation.requester)
        TimeEntryFactory(request=consultation, consultant=staff_a, hours=Decimal("0.5"))
        StatusChange.objects.create(request=consultation, from_status="submitted", to_status="triaged",
                                    changed_by=staff_a)
    client.force_login(staff_a)
    # The services inline and the one rule of who may log hours (asked once per page) add two.
    with django_assert_max_num_queries(20):
        assert client.get(change_url(consultation)).status_code == 200


@pytest.mark.django_db
def test_the_page_is_kept_until_what_it_shows_changes(client, consultation, staff_a, staff_b, researcher):
    """Seen again, the page comes from the cache; a new message or an hour logged shows at once;
    each person's page is their own, and someone without the desk is still refused."""
    client.force_login(staff_a)
    url = change_url(consultation)
    assert client.get(url).templates  # drawn
    again = client.get(url)
    assert again.status_code == 200 and not again.templates  # kept

    MessageFactory(request=consultation, author=consultation.requester, body="One more question")
    assert "One more question" in client.get(url).content.decode()
    services.log_time(consultation, consultant=staff_a, hours=Decimal("2"), date=timezone.localdate(),
                      note="Second meeting")
    assert "Second meeting" in client.get(url).content.decode()

    client.force_login(staff_b)
    assert client.get(url).templates  # drawn for this person, not served from another's page
    client.force_login(researcher)
    assert client.get(url).status_code == 302  # to the desk's sign-in


@pytest.mark.django_db
def test_staff_message_reaches_the_researcher_and_an_internal_note_does_not(
        client, consultation, staff_a, outbox, django_capture_on_commit_callbacks):
    client.force_login(staff_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(change_url(consultation), inline_data(
            consultation, messages=[{"body": "Please send the aims."}, {"body": "Seen before", "internal": True}],
            _continue="1"))
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    thread = list(Message.objects.order_by("id").values_list("author", "body", "internal"))
    assert thread == [(staff_a.pk, "Please send the aims.", False), (staff_a.pk, "Seen before", True)]
    assert [m.to[0] for m in outbox] == [consultation.requester.email]
    assert "Please send the aims." not in outbox[0].body


@pytest.mark.django_db
def test_time_entries_update_hours_used_and_warn_when_used_up(client, consultation, staff_a):
    Service.objects.filter(pk=consultation.service_id).update(free_of_charge=True)  # the free consultation's hours
    client.force_login(staff_a)
    today = timezone.localdate().isoformat()
    response = client.post(change_url(consultation), inline_data(
        consultation, entries=[{"date": today, "hours": "5", "note": "Design"},
                               {"date": today, "hours": "3.5", "note": "Report"}]))
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.hours_used == Decimal("8.5")
    assert set(TimeEntry.objects.values_list("consultant", flat=True)) == {staff_a.pk}
    warning = "are used. Agree more hours with the researcher before logging more time."
    assert any(warning in m for m in flashed(response))

    page = client.get(change_url(consultation))
    assert any(f"{consultation.reference}: 8.5 of 8 allotted hours {warning}" == m for m in flashed(page))


@pytest.mark.django_db
def test_no_warning_while_hours_remain(client, consultation, staff_a):
    TimeEntryFactory(request=consultation, consultant=staff_a, hours=Decimal("2"))
    services.refresh_hours_used(consultation.pk)
    client.force_login(staff_a)
    assert flashed(client.get(change_url(consultation))) == []


@pytest.mark.django_db
def test_time_entries_in_the_future_or_without_hours_are_refused(client, consultation, staff_a):
    client.force_login(staff_a)
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = client.post(change_url(consultation), inline_data(
        consultation, entries=[{"date": tomorrow, "hours": "2"}, {"date": tomorrow, "hours": "0"}]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "The date cannot be in the future." in html
    assert "Enter the hours worked: a number greater than 0." in html
    assert not TimeEntry.objects.exists()


@pytest.mark.django_db
def test_log_time_service_keeps_hours_used_in_step(consultation, staff_a):
    services.log_time(consultation, consultant=staff_a, hours=Decimal("2.25"), date=timezone.localdate())
    services.log_time(consultation, consultant=staff_a, hours=Decimal("1"), date=timezone.localdate())
    consultation.refresh_from_db()
    assert consultation.hours_used == Decimal("3.25")


@pytest.mark.django_db
def test_change_status_form_offers_allowed_moves_and_applies_one(client, consultation, staff_a, outbox,
                                                                 django_capture_on_commit_callbacks):
    url = reverse("admin:consultations_consultationrequest_status", args=[consultation.pk])
    client.force_login(staff_a)
    page = client.get(url)
    offered = [value for value, _ in page.context["form"].fields["to_status"].choices if value]
    assert offered == [Status.TRIAGED, Status.ON_HOLD, Status.DECLINED]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"to_status": Status.ON_HOLD, "note": "Waiting for the protocol."})
    assert response["Location"] == change_url(consultation)
    consultation.refresh_from_db()
    assert consultation.status == Status.ON_HOLD
    assert len(outbox) == 1


@pytest.mark.django_db
def test_change_status_form_refuses_a_forbidden_move_clearly(client, consultation, staff_a):
    client.force_login(staff_a)
    response = client.post(reverse("admin:consultations_consultationrequest_status", args=[consultation.pk]),
                           {"to_status": Status.COMPLETED})
    assert response.status_code == 200
    assert response.context["form"].errors["to_status"] == [
        "The request cannot move to “completed” from its current status."]
    consultation.refresh_from_db()
    assert consultation.status == Status.SUBMITTED


@pytest.mark.django_db
def test_change_status_form_needs_a_reason_to_decline_and_a_consultant_to_assign(client, researcher, service,
                                                                                 staff_a):
    triaged = ConsultationRequestFactory(requester=researcher, service=service, status=Status.TRIAGED)
    url = reverse("admin:consultations_consultationrequest_status", args=[triaged.pk])
    client.force_login(staff_a)
    declined = client.post(url, {"to_status": Status.DECLINED})
    assert declined.context["form"].errors["note"] == ["Give the researcher a reason for declining."]
    assigned = client.post(url, {"to_status": Status.ASSIGNED})
    assert assigned.context["form"].errors["assignee"] == ["Choose who the request is assigned to."]
    client.post(url, {"to_status": Status.ASSIGNED, "assignee": staff_a.pk})
    triaged.refresh_from_db()
    assert (triaged.status, triaged.assignee) == (Status.ASSIGNED, staff_a)


@pytest.mark.django_db
def test_a_move_refused_by_the_service_shows_its_message(client, researcher, service, staff_a):
    on_hold = ConsultationRequestFactory(requester=researcher, service=service, status=Status.ON_HOLD)
    client.force_login(staff_a)
    response = client.post(reverse("admin:consultations_consultationrequest_status", args=[on_hold.pk]),
                           {"to_status": Status.IN_PROGRESS})
    assert f"{on_hold.reference}: assign the request to a consultant before starting work." in \
        response.content.decode()


@pytest.mark.django_db
def test_assign_page_lists_the_centres_staff_and_hands_over(client, consultation, staff_a, staff_b):
    url = reverse("admin:consultations_consultationrequest_assign", args=[consultation.pk])
    client.force_login(staff_a)
    page = client.get(url)
    assert list(page.context["form"].fields["assignee"].queryset) == [staff_a]
    refused = client.post(url, {"assignee": staff_b.pk})
    assert "Select a valid choice" in refused.context["form"].errors["assignee"][0]
    response = client.post(url, {"assignee": staff_a.pk}, follow=True)
    assert f"{consultation.reference} is assigned to Stella Staff-A." in response.content.decode()


@pytest.mark.django_db
def test_moving_to_another_centre_keeps_the_consultant_on_its_staff(client, researcher, service, staff_a):
    assigned = ConsultationRequestFactory(requester=researcher, service=service, status=Status.ASSIGNED,
                                          assignee=staff_a)
    elsewhere = CenterFactory(name="Elsewhere")
    client.force_login(staff_a)
    response = client.post(change_url(assigned), inline_data(assigned, center=elsewhere.pk))
    assert response.status_code == 200
    assert "Stella Staff-A is not on the staff of Elsewhere" in response.content.decode()
    assigned.refresh_from_db()
    assert assigned.center != elsewhere


@pytest.mark.django_db
def test_staff_reroute_an_unassigned_request_to_the_right_centre(client, consultation, staff_b, center_b):
    client.force_login(staff_b)  # sees it: it is unassigned
    response = client.post(change_url(consultation), inline_data(consultation, center=center_b.pk))
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.center == center_b


@pytest.mark.django_db
def test_nobody_adds_requests_in_the_admin(client, superuser):
    client.force_login(superuser)
    assert client.get(reverse("admin:consultations_consultationrequest_add")).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["status", "assign"])
def test_a_closed_request_says_so_instead_of_offering_a_form(client, researcher, service, staff_a, page):
    done = ConsultationRequestFactory(requester=researcher, service=service, status=Status.COMPLETED,
                                      assignee=staff_a)
    url = reverse(f"admin:consultations_consultationrequest_{page}", args=[done.pk])
    client.force_login(staff_a)
    html = client.get(url).content.decode()
    assert "it is closed, so its status and consultant no longer change" in html
    assert "<form" not in html.split('id="content-main"', 1)[1]
    client.post(url, {"to_status": Status.ON_HOLD, "assignee": staff_a.pk})
    done.refresh_from_db()
    assert done.status == Status.COMPLETED
    assert url not in client.get(change_url(done)).content.decode()


@pytest.mark.django_db
def test_the_consultant_choice_appears_only_when_assigning_is_possible(client, researcher, service, staff_a):
    working = ConsultationRequestFactory(requester=researcher, service=service, status=Status.IN_PROGRESS,
                                         assignee=staff_a)
    client.force_login(staff_a)
    form = client.get(reverse("admin:consultations_consultationrequest_status", args=[working.pk])).context["form"]
    assert "assignee" not in form.fields
    assert [v for v, _ in form.fields["to_status"].choices if v] == [Status.ON_HOLD, Status.COMPLETED]
