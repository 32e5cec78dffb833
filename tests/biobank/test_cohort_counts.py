"""Cohort counts: only offerable participants and available samples; small cells suppressed."""

import pytest
from django.urls import reverse

from biobank import selectors
from biobank.criteria import CohortCriteria
from biobank.models import Sample
from tests.biobank.factories import ParticipantFactory, SampleFactory

URL = reverse("biobank:cohort")


def people(count, samples_each=1, **kwargs):
    sample_kwargs = {k[7:]: kwargs.pop(k) for k in list(kwargs) if k.startswith("sample_")}
    result = []
    for _ in range(count):
        participant = ParticipantFactory(**kwargs)
        SampleFactory.create_batch(samples_each, participant=participant, **sample_kwargs)
        result.append(participant)
    return result


@pytest.mark.django_db
def test_withdrawn_and_unconsented_participants_are_never_counted():
    people(2)
    people(1, withdrawn_on="2025-01-01")
    people(1, consent_research=False)
    count = selectors.cohort_count(CohortCriteria())
    assert (count.participants, count.samples) == (2, 2)


@pytest.mark.django_db
def test_only_available_samples_count():
    participant = ParticipantFactory()
    for status in Sample.Status.values:
        SampleFactory(participant=participant, status=status)
    assert selectors.cohort_count(CohortCriteria()).samples == 1


@pytest.mark.django_db
def test_filters_narrow_the_count():
    people(3, sex="F", birth_year=1950, genotyped=True, consent_recontact=True, sample_sample_type="dna")
    people(4, sex="M", birth_year=1980, genotyped=False, consent_recontact=False, sample_sample_type="plasma")
    count = lambda **c: selectors.cohort_count(CohortCriteria(**c)).participants  # noqa: E731
    assert count(sample_type="dna") == 3
    assert count(sex="M") == 4
    assert count(birth_year_min=1960) == 4
    assert count(birth_year_max=1960) == 3
    assert count(genotyped="yes") == 3
    assert count(genotyped="no") == 4
    assert count(recontact="yes") == 3
    assert count(recontact="no") == 4
    assert count(sample_type="dna", sex="M") == 0


@pytest.mark.django_db
def test_participants_and_samples_are_counted_separately():
    people(2, samples_each=3)
    count = selectors.cohort_count(CohortCriteria())
    assert (count.participants, count.samples) == (2, 6)


@pytest.mark.django_db
def test_a_count_is_one_query(django_assert_num_queries):
    people(3)
    with django_assert_num_queries(1):
        selectors.cohort_count(CohortCriteria(sample_type="dna", sex="F", birth_year_min=1900, genotyped="no"))


@pytest.mark.parametrize("value, shown", [(0, "0"), (1, "fewer than 11"), (10, "fewer than 11"), (11, "11"),
                                          (12345, "12,345")])
def test_small_cell_suppression_boundaries(value, shown):
    assert selectors.suppress(value) == shown


@pytest.mark.parametrize("participants, samples, shown", [(0, 0, ("0", "0")),
                                                          (1, 40, ("fewer than 11", "fewer than 11")),
                                                          (10, 30, ("fewer than 11", "fewer than 11")),
                                                          (11, 30, ("11", "30"))])
def test_the_samples_of_a_small_group_are_hidden_with_it(participants, samples, shown):
    count = selectors.CohortCount(participants, samples)
    assert (count.participants_text, count.samples_text) == shown


# --- The page: moved to the cohort builder (tests/cohorts), which protects every count ---------

@pytest.mark.django_db
def test_anonymous_people_are_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["patient", "collaborator", "staff_a", "study_team_member", "biobank_staff"])
def test_only_researchers_may_count(client, who, request):
    client.force_login(request.getfixturevalue(who))
    response = client.get(URL)
    assert response.status_code == 403
    assert b"for researchers" in response.content


@pytest.mark.django_db
def test_old_links_open_the_cohort_builder_with_their_criteria(client, researcher):
    client.force_login(researcher)
    response = client.get(URL, {"sample_type": "dna", "sex": "F", "birth_year_min": "1950", "junk": "x"})
    assert response["Location"] == f"{reverse('cohorts:builder')}?sample_type=dna&sex=F&birth_year_min=1950&count=1"
    assert client.get(URL)["Location"] == reverse("cohorts:builder")
