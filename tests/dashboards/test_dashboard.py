"""The staff dashboard: who may see it, what it counts, and how it stays cheap."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from consultations.models import Status
from studies.models import Interest
from tests.biobank.factories import RecontactRequestFactory, SampleRequestFactory
from tests.consultations.factories import ConsultationRequestFactory
from tests.factories import ServiceFactory, UserFactory
from tests.studies.factories import InterestFactory, StudyFactory

URL = reverse("dashboards:dashboard")


@pytest.fixture
def data(center_a, center_b):
    now = timezone.now()
    service_a = ServiceFactory(center=center_a, name="Biostatistics")
    service_b = ServiceFactory(center=center_b, name="Study budgeting")
    for days in (1, 3, 5):  # centre A: triaged after 1, 3 and 5 days -> median 3
        ConsultationRequestFactory(service=service_a, status=Status.TRIAGED,
                                   submitted_at=now - datetime.timedelta(days=10),
                                   triaged_at=now - datetime.timedelta(days=10 - days))
    ConsultationRequestFactory(service=service_a, status=Status.SUBMITTED, title="Waiting a long time",
                               submitted_at=now - datetime.timedelta(days=12),
                               overdue_at=now - datetime.timedelta(days=9))
    ConsultationRequestFactory(service=service_b, status=Status.SUBMITTED, title="Centre B secret",
                               submitted_at=now - datetime.timedelta(days=20),
                               overdue_at=now - datetime.timedelta(days=17),
                               hours_used=Decimal("9"), hours_allotted=Decimal("8"))
    study_a = StudyFactory(center=center_a, short_title="A-STUDY")
    StudyFactory(center=center_b, short_title="B-STUDY")
    for stage in (0, 1, 1, 4):
        InterestFactory(study=study_a, stage_reached=stage)
    SampleRequestFactory()
    RecontactRequestFactory()
    return now


def test_anonymous_is_sent_to_sign_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("who", ["researcher", "patient", "collaborator"])
def test_people_who_are_not_staff_get_403(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(URL).status_code == 403
    assert client.get(reverse("dashboards:table_csv", args=["overdue"])).status_code == 403


def test_staff_without_a_centre_get_403(client, db):
    client.force_login(UserFactory(is_staff=True, roles=[roles.DCR_STAFF]))
    assert client.get(URL).status_code == 403


def test_staff_of_a_centre_see_only_their_centre(client, staff_a, data):
    client.force_login(staff_a)
    body = client.get(URL).content.decode()
    assert "Center A for Testing" in body
    assert "Center B for Testing" not in body
    assert "B-STUDY" not in body
    assert "Biobank requests by status" not in body  # not biobank staff


def test_superuser_sees_every_centre_and_the_biobank(client, superuser, data):
    client.force_login(superuser)
    body = client.get(URL).content.decode()
    assert "Center A for Testing" in body and "Center B for Testing" in body
    assert "Biobank requests by status" in body


def test_figures_are_right(client, staff_a, data):
    client.force_login(staff_a)
    tables = {t.key: t for t in client.get(URL).context["tables"]}
    turnaround = {row[0]: row for row in tables["turnaround"].rows}
    assert turnaround["Center A for Testing"][1] == 3.0  # median days to triage
    assert turnaround["Center A for Testing"][2] == 3
    overdue = tables["overdue"].rows
    assert [row[1] for row in overdue] == ["Center A for Testing"]
    assert overdue[0][3] == 12
    assert sum(row[-1] for row in tables["requests-per-month"].rows) == 4  # centre A's four requests
    funnel = tables["enrollment-funnel"].rows
    assert funnel == [["A-STUDY", 4, 3, 1, 1, 1]]
    assert sum(row[1] for row in tables["interests-per-month"].rows) == 4


def test_each_chart_is_an_accessible_svg_with_its_table(client, superuser, data):
    client.force_login(superuser)
    body = client.get(URL).content.decode()
    assert body.count('role="img"') >= 6
    assert "<title>Open requests by centre and age</title>" in body
    assert body.count("Download CSV") == body.count("<details")


def test_csv_download_has_the_table(client, superuser, data):
    client.force_login(superuser)
    response = client.get(reverse("dashboards:table_csv", args=["hours"]))
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Centre", "Hours used", "Hours allotted", "Requests over allotment", "Requests"]
    b_row = next(row for row in rows if row[0] == "Center B for Testing")
    assert b_row[1:4] == ["9.0", "8.0", "1"]


def test_unknown_csv_table_is_404(client, superuser, db):
    client.force_login(superuser)
    assert client.get(reverse("dashboards:table_csv", args=["nope"])).status_code == 404


def test_query_count_does_not_grow_with_data(client, superuser, data):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(superuser)
    with CaptureQueriesContext(connection) as before:
        assert client.get(URL).status_code == 200
    for _ in range(20):
        ConsultationRequestFactory()
        InterestFactory()
    cache.clear()  # the figures are cached for a while: count the queries that compute them
    with CaptureQueriesContext(connection) as after:
        assert client.get(URL).status_code == 200
    assert len(after) == len(before) <= 17  # the satisfaction table adds one, the centres of the medians one


def test_a_title_that_looks_like_a_formula_is_escaped_in_the_csv(client, superuser, center_a):
    """A spreadsheet would run =HYPERLINK(...) typed as a study title; the export shows it as text."""
    study = StudyFactory(center=center_a, short_title='=HYPERLINK("http://evil.example","x")')
    InterestFactory(study=study)
    client.force_login(superuser)
    response = client.get(reverse("dashboards:table_csv", args=["enrollment-funnel"]))
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    titles = [row[0] for row in rows[1:]]
    assert titles == ["'=HYPERLINK(\"http://evil.example\",\"x\")"]
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_no_median_turnaround_is_shown_before_any_request_is_triaged(client, center_a, staff_a):
    client.force_login(staff_a)
    html = client.get(reverse("dashboards:dashboard")).content.decode()
    assert "No request in these centres has been triaged yet" in html
    assert "0 d" not in html
