"""Questions logged before the budget counted first asks keep counting once each: the migration
marks each person's first ask of each question per day."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from biobank.criteria import CohortCriteria
from cohorts import services
from cohorts.question import Question
from tests.cohorts.conftest import grant_access
from tests.factories import UserFactory


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.mark.django_db(transaction=True)
def test_questions_asked_before_the_change_count_once_each_in_todays_budget(settings):
    from accounts import roles

    user = UserFactory(roles=[roles.RESEARCHER])
    grant_access(user)
    _migrate([("cohorts", "0002_data_version")])
    try:
        with connection.cursor() as cursor:
            for digest in ("a" * 64, "a" * 64, "b" * 64, "a" * 64):  # two questions, one asked three times
                cursor.execute("INSERT INTO cohorts_cohortquerylog (user_id, asked_at, kind, question, question_hash, "
                               "shown, refused) VALUES (%s, now(), 'count', '{}', %s, '{}', false)", [user.pk, digest])
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    settings.COHORT_DAILY_BUDGET = 3
    answer = services.ask(user, Question(sample=CohortCriteria(birth_year_min=1950)))
    assert not answer.refused and answer.budget_left == 0  # 2 before + this one: 3 of 3
    assert services.ask(user, Question(sample=CohortCriteria(birth_year_min=1951))).refused
