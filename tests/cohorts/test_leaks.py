"""Counts that cannot leak a person: one test per attack of the threat model (README, "Cohort counts")."""

from __future__ import annotations

import pytest
from django.urls import reverse

from biobank.criteria import CohortCriteria
from cohorts import services
from cohorts.models import CohortQueryLog
from cohorts.question import Question
from common import disclosure
from tests.cohorts.conftest import people

pytestmark = pytest.mark.django_db


def ask(user, **sample):
    return services.ask(user, Question(sample=CohortCriteria(**sample)))


def test_differencing_two_questions_that_differ_by_one_person_does_not_reveal_them(approved):
    """147 and 146 used to reveal the one person born in 1961: now the two sets get unrelated offsets."""
    differences = set()
    for year in range(1950, 1958):  # eight pairs of sets, each pair differing by exactly one person
        people(20, birth_year=year)
        people(1, birth_year=year + 50)  # the one person the second question leaves out
        wide = ask(approved, birth_year_min=year, birth_year_max=year + 50)
        narrow = ask(approved, birth_year_min=year, birth_year_max=year + 49)
        differences.add(wide.participants - narrow.participants)
    # Some differences are not 1 (and differences of 0 or less hide who was subtracted).
    assert len(differences) > 1 and differences != {1}


def test_repetition_shows_the_same_number_so_averaging_learns_nothing(approved):
    people(30, birth_year=1960)
    shown = {ask(approved, birth_year_min=1960).participants for _ in range(5)}
    assert len(shown) == 1


def test_the_same_people_asked_in_other_words_get_the_same_number(approved):
    people(30, birth_year=1960, sex="F")
    answers = {ask(approved, birth_year_min=1960).participants, ask(approved, birth_year_max=1960).participants,
               ask(approved, sex="F").participants, ask(approved, birth_year_min=1900, sex="F").participants}
    assert len(answers) == 1


def test_narrowing_to_a_small_group_shows_nothing_not_even_zero(approved):
    people(3, birth_year=1970)
    answers = [ask(approved, birth_year_min=1970), ask(approved, birth_year_min=1971),
               ask(approved, birth_year_min=1970, birth_year_max=1970, sex="M")]  # 3, 0 and 0 people
    assert {a.participants_text for a in answers} == {"fewer than 11"}
    assert {a.samples_text for a in answers} == {"fewer than 11"}


def test_the_threshold_itself_is_noisy_so_the_edge_gives_no_exact_count():
    hidden_at = {count for count in range(11, 15) for fingerprint in range(200)
                 if disclosure.protected("participants", count, fingerprint) is None}
    assert hidden_at and hidden_at <= {11, 12, 13}
    assert all(disclosure.protected("participants", n, 7) is None for n in range(0, 11))


def test_the_daily_budget_stops_new_questions_but_not_repeated_ones(client, approved, settings):
    settings.COHORT_DAILY_BUDGET = 3
    people(12, birth_year=1980)
    client.force_login(approved)
    url = reverse("cohorts:builder")
    for year in (1979, 1980, 1981):
        assert client.get(url, {"birth_year_min": year, "count": "1"}).status_code == 200
    refused = client.get(url, {"birth_year_min": 1982, "count": "1"})
    assert refused.status_code == 429
    html = refused.content.decode()
    assert "Daily limit reached" in html and 'id="count-participants"' not in html
    assert client.get(url, {"birth_year_min": 1980, "count": "1"}).status_code == 200  # asked before: answered
    assert CohortQueryLog.objects.filter(refused=True).count() == 1
    assert CohortQueryLog.objects.count() == 5


def test_the_budget_is_per_researcher(approved, settings):
    from cohorts.models import BiobankAccess
    from tests.cohorts.conftest import grant_access
    from tests.factories import UserFactory
    from accounts import roles

    settings.COHORT_DAILY_BUDGET = 1
    other = UserFactory(roles=[roles.RESEARCHER])
    grant_access(other)
    assert not ask(approved, birth_year_min=1990).refused
    assert ask(approved, birth_year_min=1991).refused
    assert not ask(other, birth_year_min=1991).refused
    assert BiobankAccess.objects.count() == 2


def test_breakdown_cells_follow_the_same_rules(client, approved):
    people(25, sex="F", birth_year=1960)
    people(4, sex="M", birth_year=1960)
    client.force_login(approved)
    response = client.get(reverse("cohorts:builder"), {"birth_year_min": 1960, "breakdown": "1"})
    rows = {(a, b): c for a, b, c in response.context["breakdown_rows"]}
    assert rows[("Sex", "Male")] == "fewer than 11"
    assert abs(int(rows[("Sex", "Female")]) - 25) <= disclosure.SPREAD
    assert ("Sample type available", "Plasma") in rows and ("Genotyped", "No") in rows
    # Groups nobody is in are listed too, and read like small ones: a missing row would say "none".
    assert rows[("Sample type available", "DNA")] == rows[("Sex", "Unknown or not recorded")] == "fewer than 11"
    assert rows[("Age today", "90-99")] == "fewer than 11"
    log = CohortQueryLog.objects.get()
    assert log.kind == "breakdown" and log.shown["sex"]["M"] == "fewer than 11"


def test_every_question_is_logged_with_who_what_and_what_was_shown(approved):
    people(15, birth_year=1955)
    answer = ask(approved, birth_year_min=1955, genotyped="no")
    log = CohortQueryLog.objects.get()
    assert log.user == approved
    assert log.question == {"groups": [], "sample": {"birth_year_min": "1955", "genotyped": "no"}}
    assert log.shown == {"participants": answer.participants_text, "samples": answer.samples_text}


def test_two_counts_of_one_number_are_not_two_draws_to_average(approved):
    people(20, birth_year=1945)  # one sample each: participants and samples are the same number
    answer = ask(approved, birth_year_min=1945, birth_year_max=1945)
    assert answer.participants == answer.samples


def test_an_answer_is_kept_until_what_it_counts_changes_even_behind_the_orms_back(approved):
    """Asked again, the exact figures come from the cache (no count query); any write to what the
    count reads, a raw UPDATE or a COPY included, moves the data's version and the next ask counts."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    people(30, birth_year=1960)
    first = ask(approved, birth_year_min=1960)
    assert first.participants is not None
    with CaptureQueriesContext(connection) as again:
        assert ask(approved, birth_year_min=1960).participants == first.participants
    assert not any("WITH matched" in query["sql"] for query in again.captured_queries)
    assert CohortQueryLog.objects.filter(user=approved).count() == 2  # logged both times
    from django.core.cache import cache

    kept = [value for key, value in cache._cache.items() if "cohorts:answer" in key]
    assert kept and not any(b"Exact" in value or b"participants" in value for value in kept)  # sealed

    with connection.cursor() as cursor:
        cursor.execute("UPDATE biobank_participant SET withdrawn_on = CURRENT_DATE")
    with CaptureQueriesContext(connection) as after:
        assert ask(approved, birth_year_min=1960).participants_text == "fewer than 11"
    assert any("WITH matched" in query["sql"] for query in after.captured_queries)
