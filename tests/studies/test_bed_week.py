"""The week bed board: 7 days by 18 beds, who holds each bed each day."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from .factories import StudyFactory
from .test_beds import at, fill

pytestmark = pytest.mark.django_db
WEEK = "/studies/beds/week/"


@pytest.fixture
def study(study_team_member):
    return StudyFactory(short_title="GLOW-2", team=[study_team_member], trc_inpatient=True)


def test_the_week_shows_18_beds_by_7_days(client, study_team_member, study, beds):
    other = StudyFactory(short_title="OTHER-1")
    fill([3], at(1, 14), at(3, 10), study=study)  # holds bed 3 on days 1, 2 and 3
    fill([7], at(6, 8), at(9, 8), study=other)  # from the last day of the week on
    client.force_login(study_team_member)
    response = client.get(WEEK, {"start": timezone.localdate().isoformat()})
    rows = response.context["rows"]
    assert len(rows) == 18 and all(len(row.days) == 7 for row in rows)
    held = {row.bed.number: [[b.study.short_label for b in day] for day in row.days] for row in rows}
    assert held[3] == [[], ["GLOW-2"], ["GLOW-2"], ["GLOW-2"], [], [], []]
    assert held[7] == [[], [], [], [], [], [], ["OTHER-1"]]
    body = response.content.decode()
    assert body.count('<th scope="row"') == 18 and body.count('<th scope="col"') == 8
    assert "122 free bed-days" in body  # 126 bed-days, 4 held
    assert body.count("(your study)") == 3  # bed 3 on three days, not the other study's


def test_day_headings_open_the_day_board_and_weeks_page(client, dcr_staff, beds):
    client.force_login(dcr_staff)
    start = timezone.localdate()
    body = client.get(WEEK, {"start": start.isoformat()}).content.decode()
    assert f'href="/studies/beds/?date={(start + timedelta(days=6)).isoformat()}"' in body
    assert f'href="?start={(start + timedelta(days=7)).isoformat()}"' in body
    assert f'href="?start={(start - timedelta(days=7)).isoformat()}"' in body
    assert "/studies/beds/week/?start=" in client.get("/studies/beds/").content.decode()


def test_a_bad_start_shows_this_week_with_a_message(client, dcr_staff, beds):
    client.force_login(dcr_staff)
    response = client.get(WEEK, {"start": "next tuesday"})
    assert response.context["days"][0] == timezone.localdate()
    assert "That date was not understood" in response.content.decode()


def test_the_week_is_for_study_teams_and_dcr_staff(client, patient, researcher, beds):
    for person in (patient, researcher):
        client.force_login(person)
        assert client.get(WEEK).status_code == 403


def test_week_query_count(client, dcr_staff, beds, django_assert_max_num_queries):
    for number in range(1, 19):
        fill([number], at(0, 1), at(5, 1), study=StudyFactory())
    client.force_login(dcr_staff)
    # session, user, roles, beds, bookings with studies, the user's studies
    with django_assert_max_num_queries(6):
        response = client.get(WEEK)
    assert sum(1 for row in response.context["rows"] for day in row.days if day) == 18 * 6


def test_dcr_staff_have_every_open_study_on_the_board_marked_as_theirs(client, dcr_staff, beds):
    """The mark is asked for the studies on the board only; DCR staff may book for any open study."""
    from studies.models import Study

    StudyFactory.create_batch(3)  # open studies with no bed this week
    fill([1], at(1, 14), at(3, 10), study=StudyFactory(short_title="OPEN-1"))  # days 1 to 3
    fill([2], at(1, 14), at(2, 10), study=StudyFactory(short_title="DONE-1", status=Study.Status.COMPLETED))
    client.force_login(dcr_staff)
    body = client.get(WEEK, {"start": timezone.localdate().isoformat()}).content.decode()
    assert "DONE-1" in body and "OPEN-1" in body
    assert body.count("(your study)") == 3  # OPEN-1's three days; a completed study is nobody's to book
