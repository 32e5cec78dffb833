"""Search and sort on the list of a team's studies (/studies/team/)."""

from __future__ import annotations

import pytest

from .factories import InterestFactory, StudyFactory

pytestmark = pytest.mark.django_db
URL = "/studies/team/"


@pytest.fixture
def studies(study_team_member, other_team_member):
    asthma = StudyFactory(short_title="BREATHE", lay_title="Asthma at night", nct_id="NCT01234567",
                          team=[study_team_member])
    sleep = StudyFactory(short_title="GLOW-2", lay_title="Diabetes and sleep", irb_protocol="IRB-2026-0042",
                         team=[study_team_member])
    walk = StudyFactory(short_title="WALK", lay_title="Walking after a stroke", team=[study_team_member])
    StudyFactory(short_title="ASTHMA-X", lay_title="Asthma for another team", team=[other_team_member])
    for _ in range(3):
        InterestFactory(study=walk)
    InterestFactory(study=asthma)
    return asthma, sleep, walk


def shown(client, **params):
    return [study.short_title for study in client.get(URL, params).context["page"]]


def test_search_matches_titles_short_names_nct_and_irb_numbers_of_my_studies_only(client, study_team_member, studies):
    client.force_login(study_team_member)
    assert shown(client, q="asthma") == ["BREATHE"]
    assert shown(client, q="glow") == ["GLOW-2"]
    assert shown(client, q="NCT01234567") == ["BREATHE"]
    assert shown(client, q="irb-2026-0042") == ["GLOW-2"]
    body = client.get(URL, {"q": "nothing like this"}).content.decode()
    assert "No study of yours matches “nothing like this”." in body


def test_sort_orders(client, study_team_member, studies):
    client.force_login(study_team_member)
    assert shown(client) == ["WALK", "BREATHE", "GLOW-2"]  # most new inquiries first
    assert shown(client, sort="title") == ["BREATHE", "GLOW-2", "WALK"]
    assert shown(client, sort="inquiries") == ["WALK", "BREATHE", "GLOW-2"]


def test_an_unknown_sort_is_explained_and_the_default_order_kept(client, study_team_member, studies):
    client.force_login(study_team_member)
    response = client.get(URL, {"sort": "price"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert [s.short_title for s in response.context["page"]] == ["WALK", "BREATHE", "GLOW-2"]


def test_searching_keeps_the_query_count(client, study_team_member, studies, django_assert_max_num_queries):
    client.force_login(study_team_member)
    # session, user, the second step's device (django-otp), roles, page count, page of studies with funnel counts
    with django_assert_max_num_queries(6):
        assert client.get(URL, {"q": "a", "sort": "title"}).status_code == 200


def test_the_search_form_has_labels(client, study_team_member, studies):
    client.force_login(study_team_member)
    body = client.get(URL).content.decode()
    assert '<label for="id_q" class="form-label">Search my studies</label>' in body
    assert '<label for="id_sort" class="form-label">Sort by</label>' in body
