"""The study team's pages: their studies with the funnel, the interest list, and moves."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import ProtectedAccess
from studies.models import Interest
from studies.services import change_interest_status

from .factories import InterestFactory, StudyFactory

pytestmark = pytest.mark.django_db
S = Interest.Status


def test_team_pages_need_a_sign_in(client, study):
    for url in ("/studies/team/", f"/studies/team/{study.pk}/"):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_people_outside_study_teams_are_refused(client, patient, researcher, staff_a, study):
    for person in (patient, researcher, staff_a):
        client.force_login(person)
        assert client.get("/studies/team/").status_code == 403
        assert client.get(f"/studies/team/{study.pk}/").status_code == 403


def test_a_team_member_sees_only_their_studies(client, study_team_member, study, other_study):
    client.force_login(study_team_member)
    body = client.get("/studies/team/").content.decode()
    assert "GLOW-2" in body and "OTHER-1" not in body
    assert client.get(f"/studies/team/{other_study.pk}/").status_code == 404


def test_another_teams_inquiry_cannot_be_moved(client, study_team_member, other_study):
    theirs = InterestFactory(study=other_study)
    client.force_login(study_team_member)
    assert client.post(f"/studies/team/inquiries/{theirs.pk}/move/", {"to": S.CONTACTED}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == S.NEW


def test_superusers_see_every_study(client, superuser, study, other_study):
    client.force_login(superuser)
    body = client.get("/studies/team/").content.decode()
    assert "GLOW-2" in body and "OTHER-1" in body
    assert client.get(f"/studies/team/{other_study.pk}/").status_code == 200


def test_the_funnel_counts_how_far_inquiries_got(client, study_team_member, study):
    paths = [[], [S.CONTACTED], [S.CONTACTED, S.INELIGIBLE], [S.CONTACTED, S.ELIGIBLE],
             [S.CONTACTED, S.ELIGIBLE, S.CONSENTED, S.ENROLLED], [S.CONTACTED, S.ELIGIBLE, S.CONSENTED, S.WITHDRAWN]]
    for path in paths:
        interest = InterestFactory(study=study)
        for status in path:
            change_interest_status(interest, status, by=study_team_member, reason="reason")
    client.force_login(study_team_member)
    response = client.get(f"/studies/team/{study.pk}/")
    assert response.context["funnel"] == [("Inquiries", 6), ("Contacted", 5), ("Eligible", 3), ("Consented", 2),
                                          ("Enrolled", 1)]
    index = client.get("/studies/team/")
    assert index.context["page"][0].funnel == response.context["funnel"]
    assert "1 new" in index.content.decode()


def test_the_list_shows_contact_details_and_answers_and_logs_the_view(client, study_team_member, study):
    interest = InterestFactory(study=study, name="Jo Volunteer (synthetic)", email="jo@example.org",
                               answers={"1": {"question": "Do you snore?", "kind": "yes_no", "answer": "yes"}})
    client.force_login(study_team_member)
    body = client.get(f"/studies/team/{study.pk}/").content.decode()
    assert "Jo Volunteer (synthetic)" in body and "jo@example.org" in body and "Do you snore?" in body
    access = ProtectedAccess.objects.get()
    assert (access.user, access.record_type, access.record_id, access.fields) == (
        study_team_member, "studies.Interest", str(interest.pk), "email,name,phone")


def test_the_list_is_kept_sealed_and_every_view_is_logged(client, study_team_member, study):
    """Seen again, the list comes from the cache, encrypted there, and the view is written down again."""
    from django.core.cache import cache

    from studies.person_pages import TEAM_STUDY

    interest = InterestFactory(study=study, name="Kit Sealed (synthetic)", email="kit@example.org")
    client.force_login(study_team_member)
    url = f"/studies/team/{study.pk}/"
    assert "Kit Sealed (synthetic)" in client.get(url).content.decode()
    again = client.get(url)
    assert again.context is None  # not rendered: served from the cache
    assert "Kit Sealed (synthetic)" in again.content.decode() and "kit@example.org" in again.content.decode()
    assert ProtectedAccess.objects.filter(user=study_team_member, record_id=str(interest.pk)).count() == 2
    kept = [value for key, value in cache._cache.items() if TEAM_STUDY.name in key and len(value) > 100]
    assert kept and not any(b"Kit Sealed" in value or b"kit@example.org" in value for value in kept)

    change_interest_status(interest, S.CONTACTED, by=study_team_member)
    assert "Contacted" in client.get(url, {"status": "contacted"}).content.decode()
    assert interest.reference in client.get(url).content.decode()
    assert client.get(url).context is None


def test_a_kept_list_is_not_shown_to_someone_who_left_the_team(client, study_team_member, study):
    InterestFactory(study=study)
    client.force_login(study_team_member)
    assert client.get(f"/studies/team/{study.pk}/").status_code == 200
    study.team.remove(study_team_member)
    assert client.get(f"/studies/team/{study.pk}/").status_code in (403, 404)


def test_the_list_filters_by_status_and_age(client, study_team_member, study):
    fresh = InterestFactory(study=study)
    old = InterestFactory(study=study, created_at=timezone.now() - timedelta(days=40))
    week = InterestFactory(study=study, created_at=timezone.now() - timedelta(days=3), status=S.CONTACTED)
    client.force_login(study_team_member)

    def shown(**params):
        return {row[0] for row in client.get(f"/studies/team/{study.pk}/", params).context["rows"]}

    assert shown() == {fresh, old, week}
    assert shown(status="new") == {fresh, old}
    assert shown(received="older") == {old}
    assert shown(received="week") == {week}
    assert shown(received="today") == {fresh}
    assert shown(status="new", received="week") == set()


def test_a_team_member_marks_an_inquiry_contacted(client, study_team_member, study):
    interest = InterestFactory(study=study)
    client.force_login(study_team_member)
    back = f"/studies/team/{study.pk}/?status=new"
    response = client.post(f"/studies/team/inquiries/{interest.pk}/move/", {"to": S.CONTACTED, "next": back})
    assert response.status_code == 302 and response.url == back
    interest.refresh_from_db()
    assert interest.status == S.CONTACTED
    assert interest.status_changes.get().by == study_team_member


def test_moves_outside_the_table_or_without_reason_are_explained(client, study_team_member, study):
    interest = InterestFactory(study=study)
    client.force_login(study_team_member)
    url = f"/studies/team/inquiries/{interest.pk}/move/"
    body = client.post(url, {"to": S.ENROLLED}, follow=True).content.decode()
    assert "That move is not possible for this inquiry any more." in body
    body = client.post(url, {"to": S.INELIGIBLE, "reason": ""}, follow=True).content.decode()
    assert "Say why the person is not eligible." in body
    interest.refresh_from_db()
    assert interest.status == S.NEW


def test_the_move_form_does_not_redirect_elsewhere(client, study_team_member, study):
    interest = InterestFactory(study=study)
    client.force_login(study_team_member)
    response = client.post(f"/studies/team/inquiries/{interest.pk}/move/",
                           {"to": S.CONTACTED, "next": "https://evil.example.com/"})
    assert response.url == f"/studies/team/{study.pk}/"


def test_team_pages_query_counts(client, study_team_member, study, django_assert_max_num_queries):
    for number in range(6):
        extra = StudyFactory(team=[study_team_member])
        InterestFactory(study=extra)
    for number in range(10):
        InterestFactory(study=study, answers={"1": {"question": "Q", "kind": "yes_no", "answer": "no"}})
    client.force_login(study_team_member)
    # session, user, the second step's device (django-otp), roles, page count, page of studies with funnel counts
    with django_assert_max_num_queries(6):
        assert client.get("/studies/team/").status_code == 200
    # session, user, second-step device, roles, study with funnel, count, page, access log insert
    with django_assert_max_num_queries(8):
        response = client.get(f"/studies/team/{study.pk}/")
    assert len(response.context["rows"]) == 10


def test_studies_with_new_inquiries_come_first(client, study_team_member):
    quiet = StudyFactory(lay_title="A quiet study", team=[study_team_member])
    busy = StudyFactory(lay_title="Zebra study", team=[study_team_member])
    InterestFactory(study=busy)
    client.force_login(study_team_member)
    assert list(client.get("/studies/team/").context["page"]) == [busy, quiet]
