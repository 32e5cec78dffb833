"""Joining a team: someone outside finds the study by its IRB number and asks; an editor answers."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from common.workflow import InvalidTransition
from notifications.models import OutboxEmail
from projects import services
from projects.models import AccessRequest, AccessStatus, Rights, Role


def test_an_outsider_finds_the_study_by_irb_number_and_asks_to_join(client, other_researcher, project, researcher):
    client.force_login(other_researcher)
    found = client.get(reverse("projects:find"), {"irb": "irb-2026-017"}).content.decode()
    assert project.title in found and reverse("projects:ask", args=[project.pk]) in found
    response = client.post(reverse("projects:ask", args=[project.pk]),
                           {"role": "coordinator", "rights": "request", "note": "I run the study visits."})
    assert response.status_code == 302
    access = AccessRequest.objects.get(user=other_researcher)
    assert access.status == AccessStatus.PENDING
    email = OutboxEmail.objects.get(template="project_access_asked")
    assert email.recipient == researcher.email and "I run the study visits" not in str(email.context)
    assert "Waiting for an answer" in client.get(reverse("projects:mine")).content.decode()


def test_an_unknown_irb_number_says_so(client, other_researcher, project):
    client.force_login(other_researcher)
    html = client.get(reverse("projects:find"), {"irb": "IRB-0000"}).content.decode()
    assert "No project has the IRB number “IRB-0000”" in html


def test_asking_without_a_note_names_the_field(client, other_researcher, project):
    client.force_login(other_researcher)
    response = client.post(reverse("projects:ask", args=[project.pk]), {"role": "other", "rights": "view"})
    assert response.context["form"].errors["note"] == ["Tell the team who you are and why you need access."]
    assert not AccessRequest.objects.exists()


def test_asking_twice_is_refused(other_researcher, project):
    services.ask_access(project, user=other_researcher, role=Role.OTHER, rights=Rights.VIEW, note="Data.")
    with pytest.raises(ValidationError, match="already asked"):
        services.ask_access(project, user=other_researcher, role=Role.OTHER, rights=Rights.VIEW, note="Again.")


def test_an_editor_grants_access_with_the_rights_chosen_and_the_asker_is_told(client, researcher, project,
                                                                             other_researcher):
    access = services.ask_access(project, user=other_researcher, role=Role.OTHER, rights=Rights.EDIT, note="Data.")
    client.force_login(researcher)
    assert "Data." in client.get(project.get_absolute_url()).content.decode()
    response = client.post(reverse("projects:answer", args=[access.pk]), {"answer": "granted", "rights": "view"})
    assert response.status_code == 302
    assert project.members.get(user=other_researcher).rights == Rights.VIEW
    assert OutboxEmail.objects.filter(recipient=other_researcher.email, template="project_access_answered").exists()
    client.force_login(other_researcher)
    assert client.get(project.get_absolute_url()).status_code == 200


def test_a_refused_request_cannot_be_granted_later(researcher, project, other_researcher):
    access = services.ask_access(project, user=other_researcher, role=Role.OTHER, rights=Rights.VIEW, note="Hi.")
    services.decide_access(access, AccessStatus.REFUSED, by=researcher)
    with pytest.raises(InvalidTransition, match="already refused"):
        services.decide_access(access, AccessStatus.GRANTED, by=researcher)
    assert not project.members.filter(user=other_researcher).exists()


def test_a_member_without_edit_rights_cannot_answer(client, project, coordinator_member, other_researcher):
    access = services.ask_access(project, user=other_researcher, role=Role.OTHER, rights=Rights.VIEW, note="Hi.")
    client.force_login(coordinator_member.user)
    assert client.post(reverse("projects:answer", args=[access.pk]), {"answer": "granted"}).status_code == 404
    access.refresh_from_db()
    assert access.status == AccessStatus.PENDING


def test_the_asker_withdraws_their_request(client, project, other_researcher):
    access = services.ask_access(project, user=other_researcher, role=Role.OTHER, rights=Rights.VIEW, note="Hi.")
    client.force_login(other_researcher)
    client.post(reverse("projects:answer", args=[access.pk]), {"answer": "withdrawn"})
    access.refresh_from_db()
    assert access.status == AccessStatus.WITHDRAWN
