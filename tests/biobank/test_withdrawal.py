"""A withdrawal takes a participant out of everything at once, and keeps the why."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from biobank import selectors, services
from biobank.criteria import CohortCriteria
from biobank.models import RecontactSelection, Withdrawal
from tests.biobank.factories import (
    ParticipantFactory,
    RecontactRequestFactory,
    SampleFactory,
    SampleRequestFactory,
)


@pytest.fixture
def participant(db):
    person = ParticipantFactory()
    SampleFactory(participant=person, status="available")
    SampleFactory(participant=person, status="distributed")
    SampleFactory(participant=person, status="destroyed")
    return person


@pytest.mark.django_db
def test_withdrawal_makes_every_stored_sample_unavailable_at_once(participant, biobank_staff):
    reserved_for = SampleRequestFactory(status="fulfilling")
    SampleFactory(participant=participant, status="reserved", reserved_for=reserved_for)
    assert selectors.cohort_count(CohortCriteria()).participants == 1
    withdrawal = services.withdraw_participant(participant, by=biobank_staff, reason="Moved abroad, asked to leave.")
    statuses = sorted(participant.samples.values_list("status", flat=True))
    assert statuses == ["destroyed", "distributed", "withdrawn", "withdrawn"]
    assert not participant.samples.filter(reserved_for=reserved_for, status="reserved").exists()
    assert selectors.cohort_count(CohortCriteria()).participants == 0
    assert (withdrawal.samples_made_unavailable, withdrawal.reservations_released) == (2, 1)
    assert withdrawal.requests_affected == [reserved_for.reference]
    participant.refresh_from_db()
    assert participant.withdrawn_on == timezone.localdate()


@pytest.mark.django_db
def test_withdrawal_keeps_the_history_of_why(participant, biobank_staff):
    services.withdraw_participant(participant, by=biobank_staff, reason="Asked by phone.")
    assert Withdrawal.objects.get(participant=participant).reason == "Asked by phone."
    last = participant.history.latest()
    assert last.withdrawn_on is not None and last.history_user == biobank_staff
    sample = participant.samples.get(status="withdrawn")
    assert sample.history.latest().history_change_reason == f"Participant {participant.biobank_id} withdrew"


@pytest.mark.django_db
def test_withdrawal_cancels_pending_recontacts_only(participant, biobank_staff):
    pending = RecontactRequestFactory(status="contacting")
    done = RecontactRequestFactory(status="completed")
    for req in (pending, done):
        RecontactSelection.objects.create(request=req, participant=participant, selected_by=biobank_staff)
    withdrawal = services.withdraw_participant(participant, by=biobank_staff, reason="Asked.")
    assert list(RecontactSelection.objects.values_list("request_id", flat=True)) == [done.pk]
    assert withdrawal.recontacts_cancelled == 1


@pytest.mark.django_db
def test_a_withdrawn_participant_is_never_offered_again(participant, biobank_staff):
    services.withdraw_participant(participant, by=biobank_staff, reason="Asked.")
    req = SampleRequestFactory(status="approved")
    with pytest.raises(ValidationError):
        services.reserve_samples(req, by=biobank_staff)
    assert selectors.recontact_count(CohortCriteria()) == 0


@pytest.mark.django_db
@pytest.mark.parametrize("reason, days, field", [("", 0, "reason"), ("Asked.", 2, "withdrawn_on")])
def test_withdrawal_needs_a_reason_and_a_past_date(participant, biobank_staff, reason, days, field):
    with pytest.raises(ValidationError) as caught:
        services.withdraw_participant(participant, by=biobank_staff, reason=reason,
                                      when=timezone.localdate() + timedelta(days=days))
    assert field in caught.value.message_dict
    assert participant.samples.filter(status="available").exists()


@pytest.mark.django_db
def test_a_participant_withdraws_once(participant, biobank_staff):
    services.withdraw_participant(participant, by=biobank_staff, reason="Asked.")
    with pytest.raises(ValidationError):
        services.withdraw_participant(participant, by=biobank_staff, reason="Again.")


@pytest.mark.django_db
def test_recording_a_withdrawal_at_the_staff_desk(client, participant, biobank_staff):
    client.force_login(biobank_staff)
    url = reverse("admin:biobank_participant_withdraw", args=[participant.pk])
    page = client.get(url).content.decode()
    assert "make their 1 available sample unavailable" in page
    bad = client.post(url, {"withdrawn_on": "2999-01-01", "reason": ""}).content.decode()
    assert "cannot be in the future" in bad and "This field is required" in bad
    response = client.post(url, {"withdrawn_on": timezone.localdate().isoformat(), "reason": "Letter of 3 May."},
                           follow=True)
    assert "Withdrawal of" in response.content.decode() and "1 sample(s) made unavailable" in response.content.decode()
    participant.refresh_from_db()
    assert participant.withdrawn_on


@pytest.mark.django_db
def test_unticking_research_consent_at_the_desk_points_to_withdrawal(client, participant, biobank_staff):
    client.force_login(biobank_staff)
    url = reverse("admin:biobank_participant_change", args=[participant.pk])
    data = {"sex": "F", "birth_year": "1960", "consent_recontact": "on", "consent_date": "2020-01-15",
            "consent_version": "v3", "genotyping_platform": "", "genotyping_batch": "", "new_mrn": "",
            "samples-TOTAL_FORMS": "0", "samples-INITIAL_FORMS": "0", "samples-MIN_NUM_FORMS": "0",
            "samples-MAX_NUM_FORMS": "0"}
    html = client.post(url, data).content.decode()
    assert "Record withdrawal" in html and "To record that a participant withdrew consent" in html
    participant.refresh_from_db()
    assert participant.consent_research
