"""The one status function of an inquiry: allowed moves, reasons, history, funnel stage, emails."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from notifications.models import OutboxEmail
from studies.models import Interest, InterestStatusChange
from common.workflow import InvalidTransition
from studies.services import allowed_moves, change_interest_status

ALLOWED_MOVES = Interest.MOVES

from .factories import InterestFactory, StudyFactory

pytestmark = pytest.mark.django_db
S = Interest.Status


@pytest.fixture
def interest(study_team_member):
    return InterestFactory(study=StudyFactory(team=[study_team_member], short_title="GLOW-2"))


def walk(interest, by, *statuses):
    for status in statuses:
        change_interest_status(interest, status, by=by, reason="not eligible" if status == S.INELIGIBLE else "")


def test_the_table_names_every_status_and_final_ones_go_nowhere():
    assert set(ALLOWED_MOVES) == set(S.values)
    for final in (S.INELIGIBLE, S.DECLINED, S.WITHDRAWN):
        assert allowed_moves(final) == []
    assert allowed_moves(S.NEW) == [S.CONTACTED, S.INELIGIBLE, S.DECLINED, S.WITHDRAWN]


def test_the_happy_path_keeps_history_and_the_furthest_stage(interest, study_team_member):
    walk(interest, study_team_member, S.CONTACTED, S.ELIGIBLE, S.CONSENTED, S.ENROLLED)
    interest.refresh_from_db()
    assert interest.status == S.ENROLLED and interest.stage_reached == Interest.Stage.ENROLLED
    moves = list(InterestStatusChange.objects.values_list("from_status", "to_status", "by"))
    assert moves == [(S.NEW, S.CONTACTED, study_team_member.pk), (S.CONTACTED, S.ELIGIBLE, study_team_member.pk),
                     (S.ELIGIBLE, S.CONSENTED, study_team_member.pk), (S.CONSENTED, S.ENROLLED, study_team_member.pk)]
    assert interest.history.count() == 5  # created + four moves
    assert interest.history.first().history_user == study_team_member


def test_the_stage_reached_survives_a_later_exit(interest, study_team_member):
    walk(interest, study_team_member, S.CONTACTED, S.ELIGIBLE, S.DECLINED)
    interest.refresh_from_db()
    assert interest.status == S.DECLINED and interest.stage_reached == Interest.Stage.ELIGIBLE


@pytest.mark.parametrize(("path", "forbidden"), [
    ([], S.ENROLLED), ([], S.ELIGIBLE), ([], S.CONSENTED), ([S.CONTACTED], S.ENROLLED),
    ([S.CONTACTED], S.NEW), ([S.DECLINED], S.CONTACTED), ([S.WITHDRAWN], S.WITHDRAWN),
    ([S.CONTACTED, S.ELIGIBLE, S.CONSENTED, S.ENROLLED], S.DECLINED),
])
def test_moves_outside_the_table_are_refused_with_a_clear_error(interest, study_team_member, path, forbidden):
    walk(interest, study_team_member, *path)
    before = InterestStatusChange.objects.count()
    with pytest.raises(InvalidTransition) as error:
        change_interest_status(interest, forbidden, by=study_team_member)
    assert f"cannot be marked {S(forbidden).label.lower()}" in error.value.messages[0]
    assert InterestStatusChange.objects.count() == before


def test_an_unknown_status_is_refused(interest, study_team_member):
    with pytest.raises(InvalidTransition):
        change_interest_status(interest, "teleported", by=study_team_member)


def test_ineligible_needs_a_reason_and_keeps_it(interest, study_team_member):
    with pytest.raises(ValidationError) as error:
        change_interest_status(interest, S.INELIGIBLE, by=study_team_member, reason="   ")
    assert error.value.messages == ["Say why the person is not eligible."]
    change_interest_status(interest, S.INELIGIBLE, by=study_team_member, reason="Over the age limit")
    interest.refresh_from_db()
    assert interest.status_reason == "Over the age limit"
    assert InterestStatusChange.objects.get().reason == "Over the age limit"


def test_a_stale_object_cannot_sneak_a_forbidden_move(interest, study_team_member):
    stale = Interest.objects.get(pk=interest.pk)
    change_interest_status(interest, S.DECLINED, by=study_team_member)
    with pytest.raises(InvalidTransition):
        change_interest_status(stale, S.CONTACTED, by=study_team_member)


def templates() -> list[tuple[str, str]]:
    return list(OutboxEmail.objects.order_by("pk").values_list("template", "recipient"))


def test_the_person_hears_about_ineligible_and_withdrawn_but_not_about_every_step(interest, study_team_member):
    walk(interest, study_team_member, S.CONTACTED, S.ELIGIBLE, S.CONSENTED, S.ENROLLED)
    assert templates() == []
    change_interest_status(interest, S.WITHDRAWN, by=study_team_member)
    assert templates() == [("interest_withdrawn", interest.email)]  # the team made the move: no team email

    other = InterestFactory(study=interest.study)
    change_interest_status(other, S.INELIGIBLE, by=study_team_member, reason="Takes a medicine that is not allowed")
    email = OutboxEmail.objects.get(template="interest_closed")
    assert email.recipient == other.email
    assert "medicine" not in str(email.context)


def test_a_person_withdrawing_tells_the_team(interest, patient, study_team_member):
    interest.user = patient
    interest.save()
    change_interest_status(interest, S.WITHDRAWN, by=patient, reason="Changed my mind")
    assert templates() == [("interest_withdrawn", interest.email),
                           ("study_inquiry_withdrawn", study_team_member.email)]
    team_email = OutboxEmail.objects.get(template="study_inquiry_withdrawn")
    assert team_email.context == {"study_label": "GLOW-2", "reference": interest.reference,
                                  "path": f"/studies/team/{interest.study.pk}/"}


def test_a_withdrawn_email_goes_to_the_account_when_only_a_phone_was_given(patient, study_team_member):
    interest = InterestFactory(study=StudyFactory(team=[study_team_member]), email="", user=patient)
    change_interest_status(interest, S.WITHDRAWN, by=patient)
    assert ("interest_withdrawn", patient.email) in templates()


def test_status_emails_render_without_details(interest, study_team_member, outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        change_interest_status(interest, S.INELIGIBLE, by=study_team_member, reason="BMI above 40")
    message = outbox[0]
    assert interest.reference in message.subject
    assert "BMI" not in message.body and "GLOW" not in message.body and interest.name not in message.body
