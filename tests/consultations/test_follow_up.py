"""Drafts and their one reminder; the satisfaction survey after completion and its results for staff."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from consultations import follow_up, services
from consultations.models import ConsultationRequest, Draft, Status, Survey
from notifications.models import OutboxEmail
from tests.consultations.factories import ConsultationRequestFactory

NEW = reverse("consultations:new")


def form(service, **extra):
    return {"service": service.pk, "quantity": "", "center": "", "title": "Walking programme pilot",
            "summary": "We want to test a walking programme in 40 adults and need a sample size.",
            "study_stage": "protocol", "funding_status": "unfunded", "sponsor": "", "deadline": "", **extra}


def test_a_draft_is_saved_listed_and_sent_later(client, researcher, service):
    client.force_login(researcher)
    response = client.post(NEW, {**form(service, summary="Half"), "save_draft": "1"})
    draft = Draft.objects.get()
    assert response.status_code == 302 and draft.title == "Walking programme pilot"
    assert not ConsultationRequest.objects.exists()
    mine = client.get(reverse("consultations:mine")).content.decode()
    assert "Drafts not sent yet" in mine and f"?draft={draft.pk}" in mine
    page = client.get(NEW, {"draft": draft.pk})
    assert page.context["form"]["summary"].value() == "Half" and f'name="draft" value="{draft.pk}"' in page.content.decode()
    client.post(NEW, {**form(service), "draft": draft.pk})
    assert ConsultationRequest.objects.count() == 1 and not Draft.objects.exists()


def test_an_empty_draft_is_refused_and_another_persons_draft_is_not_found(client, researcher, other_researcher,
                                                                          service):
    client.force_login(researcher)
    page = client.post(NEW, {"save_draft": "1"}, follow=True).content.decode()
    assert "Choose a service or write a title or summary before saving a draft." in page
    theirs = Draft.objects.create(requester=other_researcher, title="Theirs", data={"title": "Theirs"})
    assert "Theirs" not in client.get(NEW, {"draft": theirs.pk}).content.decode()
    assert client.post(reverse("consultations:delete_draft", args=[theirs.pk])).status_code == 404


def test_a_draft_left_for_seven_days_is_reminded_once(researcher, outbox):
    draft = Draft.objects.create(requester=researcher, title="T", data={"title": "T"})
    assert follow_up.send_draft_reminders() == 0
    later = timezone.now() + datetime.timedelta(days=7, minutes=1)
    assert follow_up.send_draft_reminders(now=later) == 1
    assert follow_up.send_draft_reminders(now=later + datetime.timedelta(days=7)) == 0
    email = OutboxEmail.objects.get(template="consultation_draft_reminder")
    assert email.recipient == researcher.email and f"?draft={draft.pk}" in email.context["path"]


def test_completion_asks_for_the_survey_once_and_the_researcher_answers(client, researcher, service, staff_a):
    consultation = ConsultationRequestFactory(requester=researcher, service=service, status=Status.IN_PROGRESS,
                                              assignee=staff_a)
    services.change_status(consultation, Status.COMPLETED, by=staff_a)
    email = OutboxEmail.objects.get(template="consultation_survey")
    assert email.recipient == researcher.email
    url = reverse("consultations:survey", args=[consultation.reference])
    assert email.context["path"] == url
    client.force_login(researcher)
    page = client.post(url, {"comment": "Quick"})
    assert page.context["form"].errors["score"] == ["Choose a score from 1 to 5."]
    client.post(url, {"score": "4", "comment": "Clear advice."})
    assert (consultation.survey.score, consultation.survey.comment) == (4, "Clear advice.")
    assert "You answered on" in client.get(url).content.decode()
    client.post(url, {"score": "1"})
    assert Survey.objects.get().score == 4


def test_the_survey_waits_for_completion(client, researcher, consultation):
    client.force_login(researcher)
    url = reverse("consultations:survey", args=[consultation.reference])
    assert "The survey opens when the request is completed." in client.get(url).content.decode()
    client.post(url, {"score": "5"})
    assert not Survey.objects.exists()


@pytest.mark.django_db
def test_the_dashboard_shows_satisfaction_per_centre_and_service(client, staff_a, service, researcher):
    for score in (5, 3):
        done = ConsultationRequestFactory(requester=researcher, service=service, status=Status.COMPLETED,
                                          assignee=staff_a)
        Survey.objects.create(request=done, score=score)
    client.force_login(staff_a)
    html = client.get(reverse("dashboards:dashboard")).content.decode()
    assert "Researchers&#x27; satisfaction by centre and service" in html or "Researchers' satisfaction" in html
    assert f"{service.center.name} · {service.name}" in html and "<td>4.0</td>" in html
