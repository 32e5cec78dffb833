"""One inquiry's page for the study team: contact details, answers, status and move, history, notes."""

from __future__ import annotations

import logging

import pytest

from accounts.models import ProtectedAccess
from notifications.models import OutboxEmail
from studies.models import Interest, InterestNote
from studies.services import change_interest_status

from .factories import InterestFactory

pytestmark = pytest.mark.django_db
S = Interest.Status
SECRET_NOTE = "Mentioned a pacemaker fitted last spring (synthetic)."


def url(interest) -> str:
    return f"/studies/team/inquiries/{interest.pk}/"


@pytest.fixture
def interest(study):
    return InterestFactory(study=study, name="Jo Volunteer (synthetic)", email="jo@example.org",
                           answers={"1": {"question": "Do you snore?", "kind": "yes_no", "answer": "yes"}})


def test_the_page_shows_the_person_answers_status_and_history(client, study_team_member, interest):
    change_interest_status(interest, S.CONTACTED, by=study_team_member, reason="Left a voicemail")
    client.force_login(study_team_member)
    response = client.get(url(interest))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Jo Volunteer (synthetic)" in body and "jo@example.org" in body and "Do you snore?" in body
    assert "New → Contacted" in body and "Left a voicemail" in body and "Tess Team" in body
    assert f'action="/studies/team/inquiries/{interest.pk}/move/"' in body  # the move form is on the page


def test_the_list_links_each_inquiry_to_its_page(client, study_team_member, study, interest):
    client.force_login(study_team_member)
    assert f'href="{url(interest)}"' in client.get(f"/studies/team/{study.pk}/").content.decode()


def test_a_note_is_saved_shown_and_never_emailed_or_logged(client, study_team_member, interest, caplog):
    client.force_login(study_team_member)
    emails_before = OutboxEmail.objects.count()
    with caplog.at_level(logging.DEBUG):
        response = client.post(url(interest), {"text": SECRET_NOTE})
    assert response.status_code == 302 and response.url == url(interest)
    note = InterestNote.objects.get()
    assert (note.interest, note.author, note.text) == (interest, study_team_member, SECRET_NOTE)
    assert note.history.get().history_user == study_team_member
    body = client.get(url(interest)).content.decode()
    assert SECRET_NOTE in body
    assert OutboxEmail.objects.count() == emails_before
    assert SECRET_NOTE not in caplog.text


def test_an_empty_or_long_note_is_refused_with_a_clear_message(client, study_team_member, interest):
    client.force_login(study_team_member)
    response = client.post(url(interest), {"text": "   "})
    assert response.status_code == 400
    assert "Write the note before saving it." in response.content.decode()
    assert 'id="form-errors"' in response.content.decode()
    response = client.post(url(interest), {"text": "x" * 2001})
    assert response.status_code == 400
    assert "Keep the note to 2,000 characters or fewer" in response.content.decode()
    assert "x" * 2001 in response.content.decode()  # what was typed is kept
    assert InterestNote.objects.count() == 0


def test_reading_the_page_is_audited_for_contact_details_and_notes(client, study_team_member, interest):
    note = InterestNote.objects.create(interest=interest, author=study_team_member, text=SECRET_NOTE)
    client.force_login(study_team_member)
    client.get(url(interest))
    reads = {(a.record_type, a.record_id, a.fields) for a in ProtectedAccess.objects.filter(user=study_team_member)}
    assert reads == {("studies.Interest", str(interest.pk), "email,name,phone"),
                     ("studies.InterestNote", str(note.pk), "text")}


def test_another_teams_inquiry_is_not_found(client, other_team_member, interest):
    client.force_login(other_team_member)
    assert client.get(url(interest)).status_code == 404
    assert client.post(url(interest), {"text": "Trying to add a note"}).status_code == 404
    assert InterestNote.objects.count() == 0
    assert not ProtectedAccess.objects.exists()


def test_people_outside_study_teams_are_refused(client, patient, interest):
    client.force_login(patient)
    assert client.get(url(interest)).status_code == 403


def test_notes_are_protected_fields():
    from common.protected import PROTECTED_FIELDS

    assert "studies.InterestNote.text" in PROTECTED_FIELDS


def test_the_page_query_count_does_not_grow_with_notes(client, study_team_member, interest,
                                                        django_assert_max_num_queries):
    for number in range(8):
        InterestNote.objects.create(interest=interest, author=study_team_member, text=f"Note {number}")
    change_interest_status(interest, S.CONTACTED, by=study_team_member)
    change_interest_status(interest, S.ELIGIBLE, by=study_team_member)
    client.force_login(study_team_member)
    # session, user, roles, team check, inquiry, its history with authors, its notes with authors,
    # two access-log inserts
    with django_assert_max_num_queries(9):
        response = client.get(url(interest))
    assert len(response.context["notes"]) == 8 and len(response.context["history"]) == 2
