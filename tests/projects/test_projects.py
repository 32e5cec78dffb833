"""A researcher's project and its team: who is on it, with which rights, and what each may do."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from notifications.models import OutboxEmail
from projects import services
from projects.models import Member, Rights, Role


def test_a_researcher_creates_a_project_and_is_its_pi_with_edit_rights(client, researcher):
    client.force_login(researcher)
    response = client.post(reverse("projects:new"), {
        "title": "Sleep and memory", "irb_number": "IRB-9", "funding_type": "industry", "funding_source": "",
        "sponsor": "Acme Pharma", "start_date": "2026-01-01", "end_date": "2027-01-01"})
    member = Member.objects.get(user=researcher)
    assert response.status_code == 302 and response["Location"] == member.project.get_absolute_url()
    assert member.role == Role.PI and member.rights == Rights.EDIT and member.project.pi == researcher
    html = client.get(member.project.get_absolute_url()).content.decode()
    assert "Sleep and memory" in html and "Industry sponsor" in html and "Edit the project" in html


def test_a_coordinator_creates_the_project_of_a_pi_who_is_told(coordinator, researcher):
    project = services.create_project(by=coordinator, title="Trial", pi_email=researcher.email.upper(),
                                      funding_type="federal")
    rights = dict(project.members.values_list("user__email", "role"))
    assert project.pi == researcher and rights == {researcher.email: "pi", coordinator.email: "coordinator"}
    assert OutboxEmail.objects.filter(recipient=researcher.email, template="project_added").count() == 1


def test_bad_project_input_names_the_field_and_saves_nothing(client, researcher):
    client.force_login(researcher)
    response = client.post(reverse("projects:new"), {
        "title": "", "pi_email": "nobody@example.org", "funding_type": "federal",
        "start_date": "2026-05-01", "end_date": "2026-04-01"})
    form = response.context["form"]
    assert response.status_code == 200
    assert form.errors["title"] == ["Give the project a title."]
    assert "before the start date" in form.errors["end_date"][0]
    response = client.post(reverse("projects:new"), {"title": "T", "pi_email": "nobody@example.org",
                                                     "funding_type": "federal"})
    assert "No researcher has an account with this email" in response.context["form"].errors["pi_email"][0]
    assert not Member.objects.exists()


def test_an_editor_adds_a_member_who_is_told(client, researcher, project, coordinator, outbox):
    client.force_login(researcher)
    response = client.post(reverse("projects:add_member", args=[project.pk]),
                           {"email": coordinator.email, "role": "coordinator", "rights": "request"})
    assert response.status_code == 302
    assert project.members.get(user=coordinator).rights == Rights.REQUEST
    assert OutboxEmail.objects.filter(recipient=coordinator.email, template="project_added").exists()
    again = client.post(reverse("projects:add_member", args=[project.pk]),
                        {"email": coordinator.email, "role": "coordinator", "rights": "view"})
    assert "already on the team" in again.context["form"].errors["email"][0]


def test_adding_someone_without_a_researcher_account_says_what_to_do(client, researcher, project, patient):
    client.force_login(researcher)
    response = client.post(reverse("projects:add_member", args=[project.pk]),
                           {"email": patient.email, "role": "other", "rights": "view"})
    assert "Ask them to sign up as a researcher first" in response.context["form"].errors["email"][0]


@pytest.mark.parametrize("rights", [Rights.VIEW, Rights.REQUEST])
def test_a_member_without_edit_rights_cannot_manage_the_team(client, project, coordinator_member, rights):
    Member.objects.filter(pk=coordinator_member.pk).update(rights=rights)
    client.force_login(coordinator_member.user)
    assert client.get(project.get_absolute_url()).status_code == 200
    assert client.get(reverse("projects:edit", args=[project.pk])).status_code == 404
    assert client.get(reverse("projects:add_member", args=[project.pk])).status_code == 404
    assert client.post(reverse("projects:member", args=[project.pk, coordinator_member.pk]),
                       {"role": "other", "rights": "edit"}).status_code == 404
    coordinator_member.refresh_from_db()
    assert coordinator_member.rights == rights


def test_an_editor_changes_rights_and_removes_members_but_never_the_pi(client, researcher, project,
                                                                       coordinator_member):
    client.force_login(researcher)
    url = reverse("projects:member", args=[project.pk, coordinator_member.pk])
    client.post(url, {"role": "co_investigator", "rights": "edit"})
    coordinator_member.refresh_from_db()
    assert (coordinator_member.role, coordinator_member.rights) == ("co_investigator", "edit")
    pi = project.members.get(role=Role.PI)
    response = client.post(reverse("projects:member", args=[project.pk, pi.pk]), {"remove": "1"}, follow=True)
    assert "cannot be removed" in response.content.decode()
    with pytest.raises(ValidationError, match="keeps the PI role"):
        services.change_member(pi, by=researcher, role=Role.PI, rights=Rights.VIEW)
    client.post(url, {"remove": "1"})
    assert not project.members.filter(pk=coordinator_member.pk).exists()


def test_someone_outside_the_team_sees_no_project(client, other_researcher, project):
    client.force_login(other_researcher)
    assert client.get(project.get_absolute_url()).status_code == 404
    assert project.title not in client.get(reverse("projects:mine")).content.decode()


def test_the_project_page_and_list_take_a_fixed_number_of_queries(client, researcher, project, coordinator_member,
                                                                  django_assert_max_num_queries):
    client.force_login(researcher)
    with django_assert_max_num_queries(12):
        assert client.get(project.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(reverse("projects:mine")).status_code == 200


def test_update_needs_edit_rights(coordinator_member, project):
    with pytest.raises(PermissionDenied):
        services.update_project(project, by=coordinator_member.user, title="Mine now")
