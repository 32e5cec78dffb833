"""The public trial finder: full-text search, filters, counts, pagination and shareable URLs."""

from __future__ import annotations

import pytest
from django.http import QueryDict
from django.urls import reverse

from studies import selectors
from studies.models import Study
from tests.factories import CenterFactory

from .factories import ConditionFactory, StudyFactory

pytestmark = pytest.mark.django_db
URL = reverse("studies:finder")


def titles(response) -> list[str]:
    return [study.lay_title for study in response.context["finder"].page]


def facet(finder, group) -> dict[str, int]:
    return {option.value: option.count for option in finder.facets[group]}


def test_anonymous_visitor_sees_recruiting_and_opening_studies_only(client):
    StudyFactory(lay_title="Recruiting one", status=Study.Status.RECRUITING)
    StudyFactory(lay_title="Opening one", status=Study.Status.NOT_YET_RECRUITING)
    StudyFactory(lay_title="Full one", status=Study.Status.ACTIVE_NOT_RECRUITING)
    StudyFactory(lay_title="Done one", status=Study.Status.COMPLETED)
    StudyFactory(lay_title="Stopped one", status=Study.Status.TERMINATED)
    StudyFactory(lay_title="Hidden one", is_public=False)
    response = client.get(URL)
    assert response.status_code == 200
    assert sorted(titles(response)) == ["Opening one", "Recruiting one"]
    assert "2 studies found" in response.content.decode()


def test_search_understands_stems_both_ways(client):
    StudyFactory(lay_title="Walking for people with diabetes")
    StudyFactory(lay_title="A diabetic foot care programme")
    StudyFactory(lay_title="Sleep and shift work")
    assert sorted(titles(client.get(URL, {"q": "diabetic"}))) == [
        "A diabetic foot care programme", "Walking for people with diabetes"]
    assert len(titles(client.get(URL, {"q": "diabetes"}))) == 2
    assert titles(client.get(URL, {"q": "sleeping"})) == ["Sleep and shift work"]


def test_search_reaches_conditions_keywords_and_summary(client):
    StudyFactory(lay_title="Study A", conditions=[ConditionFactory(name="Asthma")])
    StudyFactory(lay_title="Study B", keywords="inhaler, wheezing")
    StudyFactory(lay_title="Study C", summary="We look at how the lungs of children with asthma grow.")
    StudyFactory(lay_title="Study D", summary="Nothing to do with it.")
    assert sorted(titles(client.get(URL, {"q": "asthma"}))) == ["Study A", "Study C"]
    assert titles(client.get(URL, {"q": "wheeze"})) == ["Study B"]


def test_search_ranks_a_lay_title_match_above_a_summary_match(client):
    StudyFactory(lay_title="Understanding heart rhythm", summary="Patients with migraine may join.")
    StudyFactory(lay_title="Migraine prevention with a daily tablet", summary="A tablet taken each day.")
    StudyFactory(lay_title="Hearing study", keywords="migraine")
    assert titles(client.get(URL, {"q": "migraines"})) == [
        "Migraine prevention with a daily tablet", "Hearing study", "Understanding heart rhythm"]


def test_search_text_that_matches_nothing_says_so_kindly(client):
    StudyFactory(lay_title="Walking for people with diabetes")
    response = client.get(URL, {"q": "zebrafish"})
    assert titles(response) == []
    assert "No study matches all of this" in response.content.decode()


def test_search_survives_punctuation_and_operators(client):
    StudyFactory(lay_title="Walking for people with diabetes")
    for text in ['"diabetes', "diabetes -", "or or", "!!!", "diabetes & | !", "'; drop table studies_study; --"]:
        assert client.get(URL, {"q": text}).status_code == 200


@pytest.mark.parametrize(("age", "expected"), [
    (17, ["Any age", "Up to 17"]),
    (18, ["18 to 65", "18+", "Any age"]),
    (65, ["18 to 65", "18+", "Any age"]),
    (66, ["18+", "Any age"]),
    (0, ["Any age", "Up to 17"]),
    (120, ["18+", "Any age"]),
])
def test_age_filter_includes_both_limits_and_treats_no_limit_as_open(client, age, expected):
    StudyFactory(lay_title="18 to 65", min_age=18, max_age=65)
    StudyFactory(lay_title="18+", min_age=18, max_age=None)
    StudyFactory(lay_title="Up to 17", min_age=None, max_age=17)
    StudyFactory(lay_title="Any age", min_age=None, max_age=None)
    assert sorted(titles(client.get(URL, {"age": age}))) == sorted(expected)


@pytest.mark.parametrize("age", ["-1", "121", "forty", "4.5"])
def test_an_age_that_is_not_an_age_gets_a_clear_message_and_is_ignored(client, age):
    StudyFactory(lay_title="Any age")
    response = client.get(URL, {"age": age, "q": "age"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Enter an age from 0 to 120." in body or "whole number of years" in body
    assert f'value="{age}"' in body  # what was typed stays in the box
    assert titles(response) == ["Any age"]


def test_sex_filter_keeps_studies_open_to_all(client):
    StudyFactory(lay_title="Women", sex=Study.Sex.FEMALE)
    StudyFactory(lay_title="Men", sex=Study.Sex.MALE)
    StudyFactory(lay_title="Everyone", sex=Study.Sex.ALL)
    assert sorted(titles(client.get(URL, {"sex": "female"}))) == ["Everyone", "Women"]
    assert sorted(titles(client.get(URL, {"sex": "male"}))) == ["Everyone", "Men"]


def test_filters_combine(client):
    diabetes, asthma = ConditionFactory(name="Diabetes"), ConditionFactory(name="Asthma")
    trc = CenterFactory(name="Translational Research Center")
    match = StudyFactory(lay_title="Match", phase=Study.Phase.PHASE_1, conditions=[diabetes], center=trc,
                         healthy_volunteers=True, trc_inpatient=True, inpatient_nights=2, min_age=18, max_age=50,
                         sex=Study.Sex.ALL, summary="An insulin pump trial.")
    StudyFactory(lay_title="Wrong phase", phase=Study.Phase.PHASE_3, conditions=[diabetes], center=trc,
                 healthy_volunteers=True, trc_inpatient=True, summary="An insulin pump trial.")
    StudyFactory(lay_title="Wrong condition", phase=Study.Phase.PHASE_1, conditions=[asthma], center=trc,
                 healthy_volunteers=True, trc_inpatient=True, summary="An insulin pump trial.")
    StudyFactory(lay_title="No stay", phase=Study.Phase.PHASE_1, conditions=[diabetes], center=trc,
                 healthy_volunteers=True, summary="An insulin pump trial.")
    StudyFactory(lay_title="Too old for me", phase=Study.Phase.PHASE_1, conditions=[diabetes], center=trc,
                 healthy_volunteers=True, trc_inpatient=True, max_age=30, summary="An insulin pump trial.")
    StudyFactory(lay_title="Other centre", phase=Study.Phase.PHASE_1, conditions=[diabetes],
                 healthy_volunteers=True, trc_inpatient=True, summary="An insulin pump trial.")
    StudyFactory(lay_title="Patients only", phase=Study.Phase.PHASE_1, conditions=[diabetes], center=trc,
                 trc_inpatient=True, summary="An insulin pump trial.")
    params = {"q": "insulin", "condition": "diabetes", "phase": "1", "age": "40", "sex": "female",
              "healthy": "on", "trc": "on", "center": trc.slug, "status": "recruiting"}
    response = client.get(URL, params)
    assert titles(response) == [match.lay_title]


def test_facet_counts_show_what_each_option_would_give(client):
    diabetes, asthma = ConditionFactory(name="Diabetes"), ConditionFactory(name="Asthma")
    StudyFactory(phase=Study.Phase.PHASE_1, conditions=[diabetes], healthy_volunteers=True)
    StudyFactory(phase=Study.Phase.PHASE_2, conditions=[diabetes])
    StudyFactory(phase=Study.Phase.PHASE_2, conditions=[asthma, diabetes], sex=Study.Sex.FEMALE)
    StudyFactory(phase=Study.Phase.PHASE_3, conditions=[asthma], trc_inpatient=True)
    StudyFactory(phase=Study.Phase.PHASE_3, is_public=False, conditions=[asthma])  # never counted

    finder = client.get(URL, {"condition": "diabetes"}).context["finder"]
    # A group's own choice does not narrow its counts; the other groups' choices do.
    assert facet(finder, "condition") == {"asthma": 2, "diabetes": 3}
    assert facet(finder, "phase") == {"early_1": 0, "1": 1, "2": 2, "3": 0, "4": 0, "na": 0}
    assert facet(finder, "sex") == {"female": 3, "male": 2}
    assert facet(finder, "healthy") == {"on": 1}
    assert facet(finder, "trc") == {"on": 0}

    finder = client.get(URL, {"condition": "diabetes", "phase": "2"}).context["finder"]
    assert facet(finder, "condition") == {"asthma": 1, "diabetes": 2}
    assert facet(finder, "phase")["2"] == 2 and facet(finder, "phase")["1"] == 1
    assert finder.count == 2
    body = client.get(URL, {"condition": "diabetes"}).content.decode()
    assert "Asthma (2)" in body and "Phase 2 (2)" in body


def test_facet_counts_follow_the_search_text(client):
    StudyFactory(lay_title="Diabetes walking", phase=Study.Phase.PHASE_2)
    StudyFactory(lay_title="Diabetes diet", phase=Study.Phase.PHASE_3)
    StudyFactory(lay_title="Asthma inhaler", phase=Study.Phase.PHASE_3)
    finder = selectors.finder(QueryDict("q=diabetic"))
    assert facet(finder, "phase")["2"] == 1 and facet(finder, "phase")["3"] == 1
    assert finder.count == 2


def test_results_are_paginated_and_links_keep_the_search(client):
    for number in range(43):
        StudyFactory(lay_title=f"Diabetes study {number:02d}", phase=Study.Phase.PHASE_2)
    response = client.get(URL, {"q": "diabetes", "phase": "2", "page": 3})
    assert len(titles(response)) == 3
    body = response.content.decode()
    assert "Showing 41–43 of 43" in body and 'aria-current="page"><span class="page-link">3</span>' in body
    assert "q=diabetes&amp;phase=2&amp;page=2" in body
    assert response.context["finder"].query_string == "q=diabetes&phase=2"


def test_a_shared_search_url_shows_the_same_results_and_choices(client):
    asthma = ConditionFactory(name="Asthma")
    StudyFactory(lay_title="Inhaler study", conditions=[asthma], healthy_volunteers=True)
    url = f"{URL}?q=inhaler&condition=asthma&healthy=on"
    body = client.get(url).content.decode()
    assert 'value="inhaler"' in body
    assert '<option value="asthma" selected>' in body
    assert 'id="id_healthy" checked' in body
    assert "Inhaler study" in body
    # Each active filter has a link that removes only that filter.
    assert 'href="?q=inhaler&amp;healthy=on"' in body


def test_unknown_or_hostile_filter_values_do_not_break_the_page(client):
    StudyFactory(lay_title="Study")
    for params in ({"phase": "7"}, {"sex": "other"}, {"status": "completed"}, {"condition": "no-such"},
                   {"center": "<script>"}, {"page": "999"}, {"page": "x"}, {"q": "x" * 500}):
        assert client.get(URL, params).status_code == 200
    assert "&lt;script&gt;" in client.get(URL, {"center": "<script>"}).content.decode()


def test_the_finder_stays_within_a_fixed_query_budget(client, django_assert_max_num_queries):
    conditions = [ConditionFactory(name=name) for name in ("Asthma", "Diabetes", "Gout", "Lupus")]
    for number in range(25):
        StudyFactory(lay_title=f"Study about diabetes {number}", center=CenterFactory(name=f"Centre {number % 5}"),
                     conditions=conditions[: 1 + number % 4], phase=Study.Phase.values[number % 6])
    # The studies the words and age allow with what the filter groups count, the page, its conditions:
    # 3, however many studies match (it was a count query per group: 10).
    with django_assert_max_num_queries(3):
        response = client.get(URL, {"q": "diabetes", "age": "40", "healthy": "", "phase": "2"})
    assert response.status_code == 200
    with django_assert_max_num_queries(3):
        response = client.get(URL)
    assert len(titles(response)) == 20


def test_a_combined_phase_study_is_found_under_each_of_its_phases(client):
    StudyFactory(phase=Study.Phase.PHASE_1_2, lay_title="Dose then benefit")
    StudyFactory(phase=Study.Phase.PHASE_2_3, lay_title="Benefit then comparison")
    StudyFactory(phase=Study.Phase.PHASE_1, lay_title="Dose only")
    finder = client.get(URL).context["finder"]
    assert facet(finder, "phase") == {"early_1": 0, "1": 2, "2": 2, "3": 1, "4": 0, "na": 0}
    titles = {study.lay_title for study in client.get(URL, {"phase": "2"}).context["finder"].page}
    assert titles == {"Dose then benefit", "Benefit then comparison"}
    body = client.get(URL, {"phase": "1"}).content.decode()
    assert "Phase 1/Phase 2" in body
