"""Consent tiers: coded statements, answers per participant, one statement withdrawn, and requests
that count, offer and reserve only samples whose donors said yes to each intended use."""

import io
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from biobank import importer, selectors, services
from biobank.consent import services as consent
from biobank.criteria import CohortCriteria
from biobank.models import ConsentResponse, Participant, Sample
from tests.biobank.factories import ParticipantFactory, SampleFactory, SampleRequestFactory


def donor(biobank_staff, *, said_yes=(), said_no=(), **kwargs):
    person = ParticipantFactory(**kwargs)
    for code in said_yes:
        consent.record_answer(person, code=code, answer="yes", answered_on=date(2024, 1, 5), form_version="v4",
                              by=biobank_staff)
    for code in said_no:
        consent.record_answer(person, code=code, answer="no", answered_on=date(2024, 1, 5), form_version="v4",
                              by=biobank_staff)
    SampleFactory(participant=person, sample_type="dna")
    return person


@pytest.mark.django_db
def test_only_donors_who_said_yes_to_every_use_are_counted(client, biobank_staff, researcher):
    donor(biobank_staff, said_yes=["genetic", "commercial"])
    donor(biobank_staff, said_yes=["genetic"], said_no=["commercial"])
    donor(biobank_staff)  # never asked: not counted for any declared use
    counts = [selectors.cohort_count(CohortCriteria(uses=uses)).participants
              for uses in [(), ("genetic",), ("genetic", "commercial")]]
    assert counts == [3, 2, 1]
    client.force_login(researcher)
    html = client.get(reverse("biobank:cohort"), {"uses": ["genetic", "commercial"]}).content.decode()
    assert "donors consented to genetic research, commercial use" in html


@pytest.mark.django_db
def test_reserving_offers_only_samples_whose_donors_consented(biobank_staff):
    yes = donor(biobank_staff, said_yes=["genetic"])
    donor(biobank_staff, said_no=["genetic"])
    req = SampleRequestFactory(status="approved", samples_requested=5,
                               criteria={"sample_type": "dna", "uses": ["genetic"]})
    assert services.reserve_samples(req, by=biobank_staff) == 1
    assert list(req.samples.values_list("participant", flat=True)) == [yes.pk]


@pytest.mark.django_db
def test_withdrawing_one_statement_keeps_the_others_and_releases_what_needed_it(biobank_staff):
    person = donor(biobank_staff, said_yes=["genetic", "commercial"])
    SampleFactory(participant=person, sample_type="dna")
    genetic = SampleRequestFactory(status="approved", samples_requested=1,
                                   criteria={"sample_type": "dna", "uses": ["genetic"]})
    plain = SampleRequestFactory(status="approved", samples_requested=1, criteria={"sample_type": "dna"})
    services.reserve_samples(genetic, by=biobank_staff)
    services.reserve_samples(plain, by=biobank_staff)
    affected = consent.withdraw_statement(person, code="genetic", when=date(2025, 2, 1), reason="letter",
                                          by=biobank_staff)
    assert affected == [genetic.reference]
    assert genetic.samples.count() == 0 and plain.samples.count() == 1
    answers = dict(ConsentResponse.objects.filter(participant=person).values_list("code", "answer"))
    assert answers == {"genetic": "no", "commercial": "yes"}
    withdrawn = ConsentResponse.objects.get(participant=person, code="genetic")
    assert (withdrawn.withdrawn_on, withdrawn.history.first().history_user) == (date(2025, 2, 1), biobank_staff)
    assert Participant.objects.get(pk=person.pk).consent_research is True
    with pytest.raises(ValidationError, match="nothing to withdraw"):
        consent.withdraw_statement(person, code="genetic", by=biobank_staff)


@pytest.mark.django_db
def test_withdrawing_research_takes_every_sample_out_of_offers(biobank_staff):
    person = donor(biobank_staff, said_yes=["research"])
    consent.withdraw_statement(person, code="research", by=biobank_staff)
    person.refresh_from_db()
    assert person.consent_research is False
    assert selectors.cohort_count(CohortCriteria()).participants == 0


@pytest.mark.django_db
def test_participant_import_carries_the_answers(biobank_staff):
    header = ("biobank_id,mrn,sex,birth_year,consent_research,consent_recontact,consent_date,consent_version,"
              "genotyped,consent_genetic,consent_commercial,consent_sharing_outside,consent_future_research")
    text = header + "\nBB0000101,SYN0000101,F,1961,yes,no,2024-02-01,v4,no,yes,no,,not asked\n"
    result = importer.import_csv(io.StringIO(text), "participants", user=biobank_staff)
    assert result.ok, result.errors
    answers = dict(ConsentResponse.objects.values_list("code", "answer"))
    assert answers == {"research": "yes", "recontact": "no", "genetic": "yes", "commercial": "no"}
    response = ConsentResponse.objects.get(code="genetic")
    assert (response.answered_on, response.form_version) == (date(2024, 2, 1), "v4")
    assert response.history.get().history_user == biobank_staff
    bad = importer.import_csv(io.StringIO(header + "\nBB0000102,SYN0000102,F,1961,yes,no,2024-02-01,v4,no,maybe,,,\n"),
                              "participants")
    assert [(e.column, e.message) for e in bad.errors] == [
        ("consent_genetic", "consent_genetic must be yes, no, or empty when the form did not ask.")]
    assert Participant.objects.count() == 1


@pytest.mark.django_db
def test_the_consent_page_lists_answers_and_withdraws_one(client, biobank_staff):
    person = donor(biobank_staff, said_yes=["genetic"])
    client.force_login(biobank_staff)
    url = reverse("admin:biobank_participant_consent", args=[person.pk])
    html = client.get(url).content.decode()
    assert "Genetic research" in html and "Not asked" in html
    html = client.post(url, {"action": "withdraw", "withdraw-code": "commercial",
                             "withdraw-withdrawn_on": "2025-01-01"}).content.decode()
    assert "did not say yes to “Commercial use”" in html
    response = client.post(url, {"action": "withdraw", "withdraw-code": "genetic",
                                 "withdraw-withdrawn_on": "2025-01-01"}, follow=True)
    assert "The statement was withdrawn; the others stand." in response.content.decode()
    response = client.post(url, {"action": "answer", "answer-code": "future_research", "answer-answer": "yes",
                                 "answer-answered_on": "", "answer-form_version": "v4"})
    assert "Give the date the form was signed." in response.content.decode()


@pytest.mark.django_db
def test_editing_the_research_field_makes_the_answer_follow(biobank_staff):
    person = donor(biobank_staff, said_yes=["research"])
    person.consent_research = False
    services.save_participant(person, by=biobank_staff)
    consent.answers_follow_fields(person, by=biobank_staff)
    assert ConsentResponse.objects.get(participant=person, code="research").answer == "no"
    consent.answers_follow_fields(person, by=biobank_staff)  # nothing changed: no new history
    assert ConsentResponse.objects.get(participant=person, code="research").history.count() == 2
