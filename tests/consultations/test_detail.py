"""/consultations/<reference>/: history, the thread with the consultant, replying, withdrawing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from consultations import services
from consultations.models import Message, Status, StatusChange
from tests.consultations.factories import ConsultationRequestFactory, MessageFactory


def url(consultation):
    return reverse("consultations:detail", args=[consultation.reference])


@pytest.mark.django_db
def test_someone_elses_request_is_not_found(client, other_researcher, consultation):
    client.force_login(other_researcher)
    assert client.get(url(consultation)).status_code == 404
    assert client.post(url(consultation), {"body": "hello"}).status_code == 404
    assert client.get(reverse("consultations:withdraw", args=[consultation.reference])).status_code == 404
    assert not Message.objects.exists()


@pytest.mark.django_db
def test_unknown_reference_is_not_found(client, researcher):
    client.force_login(researcher)
    assert client.get("/consultations/DCR-2026-99999/").status_code == 404


@pytest.mark.django_db
def test_shows_history_and_the_thread_but_never_internal_notes(client, researcher, consultation, staff_a):
    services.assign(consultation, staff_a, by=staff_a)
    MessageFactory(request=consultation, author=staff_a, body="Could you send the draft aims?")
    MessageFactory(request=consultation, author=staff_a, body="Internal: budget looks thin", internal=True)
    MessageFactory(request=consultation, author=researcher, body="Attached them today.")
    client.force_login(researcher)

    html = client.get(url(consultation)).content.decode()

    assert consultation.title in html
    assert "Could you send the draft aims?" in html and "Attached them today." in html
    assert "budget looks thin" not in html
    assert "Stella Staff-A (DCR)" in html
    assert "Triaged on assignment." in html
    assert html.count("Assigned") >= 2  # badge and history
    assert "0 of 8" not in html and "Free faculty hours used" not in html  # a priced service has no allotment
    type(consultation.service).objects.filter(pk=consultation.service_id).update(free_of_charge=True)
    assert "0 of 8" in client.get(consultation.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_query_count_of_the_page(client, researcher, consultation, staff_a, django_assert_max_num_queries):
    for number in range(10):
        MessageFactory(request=consultation, author=staff_a if number % 2 else researcher)
        StatusChange.objects.create(request=consultation, from_status="submitted", to_status="triaged",
                                    changed_by=staff_a)
    client.force_login(researcher)
    # session, user, roles, request, its services, its budgets, history, thread, attachments
    with django_assert_max_num_queries(9):
        response = client.get(url(consultation))
    assert response.status_code == 200


@pytest.mark.django_db
def test_researcher_replies_and_the_thread_grows(client, researcher, consultation, staff_a, outbox,
                                                 django_capture_on_commit_callbacks):
    services.assign(consultation, staff_a, by=staff_a)
    outbox.clear()
    client.force_login(researcher)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(consultation), {"body": "Thursday at 10 works for me."}, follow=True)

    assert response.redirect_chain[-1][0] == url(consultation) + "#messages"
    assert "Your message was sent" in response.content.decode()
    message = Message.objects.get()
    assert (message.author, message.internal, message.body) == (researcher, False, "Thursday at 10 works for me.")
    assert [m.to[0] for m in outbox] == [staff_a.email]


@pytest.mark.django_db
def test_an_empty_message_is_explained(client, researcher, consultation):
    client.force_login(researcher)
    response = client.post(url(consultation), {"body": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["body"] == ["Write a message first."]
    assert not Message.objects.exists()


@pytest.mark.django_db
def test_a_closed_request_takes_no_more_messages(client, researcher, service):
    closed = ConsultationRequestFactory(requester=researcher, service=service, status=Status.COMPLETED)
    client.force_login(researcher)
    html = client.get(url(closed)).content.decode()
    assert "it takes no more messages" in html
    assert 'name="body"' not in html
    response = client.post(url(closed), {"body": "One more thing"})
    assert "no more messages" in response.content.decode()
    assert not Message.objects.exists()


# --- withdrawing ---------------------------------------------------------------------

@pytest.mark.django_db
def test_withdrawing_asks_for_confirmation_first(client, researcher, consultation):
    client.force_login(researcher)
    detail = client.get(url(consultation)).content.decode()
    withdraw_url = reverse("consultations:withdraw", args=[consultation.reference])
    assert withdraw_url in detail

    confirm = client.get(withdraw_url)
    assert "Withdraw your request?" in confirm.content.decode()
    consultation.refresh_from_db()
    assert consultation.status == Status.SUBMITTED

    response = client.post(withdraw_url, {"note": "Found help in my department."}, follow=True)
    consultation.refresh_from_db()
    assert consultation.status == Status.WITHDRAWN
    assert f"{consultation.reference} was withdrawn." in response.content.decode()
    assert StatusChange.objects.get(request=consultation).note == "Found help in my department."


@pytest.mark.django_db
@pytest.mark.parametrize("closed", [Status.COMPLETED, Status.DECLINED, Status.WITHDRAWN])
def test_a_closed_request_cannot_be_withdrawn(client, researcher, service, closed):
    consultation = ConsultationRequestFactory(requester=researcher, service=service, status=closed)
    client.force_login(researcher)
    assert "Withdraw this request" not in client.get(url(consultation)).content.decode()
    response = client.post(reverse("consultations:withdraw", args=[consultation.reference]), follow=True)
    assert f"is already {Status(closed).label.lower()}" in response.content.decode()
    consultation.refresh_from_db()
    assert consultation.status == closed
    assert not StatusChange.objects.filter(request=consultation).exists()


@pytest.mark.django_db
def test_withdrawing_needs_post(client, researcher, consultation):
    client.force_login(researcher)
    client.get(reverse("consultations:withdraw", args=[consultation.reference]), {"note": "x"})
    consultation.refresh_from_db()
    assert consultation.status == Status.SUBMITTED
