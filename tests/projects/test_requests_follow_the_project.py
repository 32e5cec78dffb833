"""What a team member may see follows the project: requests filed on it, their messages and files."""

from __future__ import annotations

from django.urls import reverse

from consultations.models import ConsultationRequest, Message
from projects.models import Member, Rights
from tests.consultations.factories import ConsultationRequestFactory

FORM = {"title": "Recruitment for the asthma study", "summary": "We need help to recruit 200 children in schools.",
        "study_stage": "active", "funding_status": "external", "sponsor": "NIH"}


def test_a_coordinator_files_a_request_on_the_pis_project_and_the_pi_follows_it(
        client, project, coordinator_member, researcher, service):
    client.force_login(coordinator_member.user)
    form_page = client.get(reverse("consultations:new"), {"project": project.pk}).content.decode()
    assert f'<option value="{project.pk}" selected>{project.title}</option>' in form_page
    response = client.post(reverse("consultations:new"), {**FORM, "service": service.pk, "project": project.pk})
    consultation = ConsultationRequest.objects.get()
    assert response.status_code == 302 and consultation.project == project
    client.force_login(researcher)
    assert client.get(consultation.get_absolute_url()).status_code == 200
    assert consultation.reference in client.get(reverse("consultations:mine")).content.decode()
    assert consultation.reference in client.get(project.get_absolute_url()).content.decode()


def test_a_view_only_member_cannot_file_on_the_project(client, project, coordinator_member, service):
    Member.objects.filter(pk=coordinator_member.pk).update(rights=Rights.VIEW)
    client.force_login(coordinator_member.user)
    response = client.post(reverse("consultations:new"), {**FORM, "service": service.pk, "project": project.pk})
    assert response.status_code == 200
    assert "you need request rights on it" in response.context["form"].errors["project"][0]
    assert not ConsultationRequest.objects.exists()


def test_a_view_only_member_reads_but_does_not_write(client, project, coordinator_member, researcher, service):
    consultation = ConsultationRequestFactory(requester=researcher, service=service, project=project)
    Member.objects.filter(pk=coordinator_member.pk).update(rights=Rights.VIEW)
    client.force_login(coordinator_member.user)
    page = client.get(consultation.get_absolute_url()).content.decode()
    assert consultation.title in page and "ask an editor of the project" in page
    assert "Withdraw this request" not in page
    client.post(consultation.get_absolute_url(), {"body": "Hello"})
    assert not Message.objects.exists()
    assert client.get(reverse("consultations:withdraw", args=[consultation.reference])).status_code == 404


def test_a_member_with_request_rights_writes_and_the_staff_hear_of_it(client, project, coordinator_member,
                                                                     researcher, service, staff_a):
    consultation = ConsultationRequestFactory(requester=researcher, service=service, project=project,
                                              assignee=staff_a)
    client.force_login(coordinator_member.user)
    client.post(consultation.get_absolute_url(), {"body": "The visit schedule is attached."})
    message = Message.objects.get()
    assert message.author == coordinator_member.user
    from notifications.models import OutboxEmail
    assert OutboxEmail.objects.filter(recipient=staff_a.email, template="consultation_researcher_message").exists()


def test_leaving_the_team_hides_the_projects_requests(client, project, coordinator_member, researcher, service):
    consultation = ConsultationRequestFactory(requester=researcher, service=service, project=project)
    coordinator_member.delete()
    client.force_login(coordinator_member.user)
    assert client.get(consultation.get_absolute_url()).status_code == 404
