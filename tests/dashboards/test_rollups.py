"""The dashboard's figures are kept by PostgreSQL on every write, whatever wrote it, and equal a fresh count."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from consultations import services
from consultations.models import ConsultationRequest, Status
from dashboards import rollups, selectors
from dashboards.models import CentreTotals, InterestMonth, OpenRequestDay, RequestMonth, StudyFunnel, Turnaround
from studies.models import Interest
from tests.consultations.factories import ConsultationRequestFactory, TimeEntryFactory
from tests.factories import ServiceFactory
from tests.studies.factories import InterestFactory, StudyFactory

FIGURES = [RequestMonth, CentreTotals, Turnaround, OpenRequestDay, InterestMonth, StudyFunnel]


def kept() -> dict:
    """Every figure as kept, without the rows a change brought back to nothing."""
    found = {}
    for model in FIGURES:
        fields = [f.attname for f in model._meta.concrete_fields if f.attname != "id"]
        counts = [f for f in fields if f in ("requests", "open_requests", "interests", "inquiries", "contacted",
                                             "eligible", "consented", "enrolled", "hours_used", "hours_allotted",
                                             "over_allotment")]
        found[model.__name__] = sorted(row for row in model.objects.values_list(*fields) if any(
            row[fields.index(f)] for f in counts))
    return found


def everyone(center_ids=None) -> selectors.Scope:
    return selectors.Scope(center_ids=center_ids, biobank=True)


@pytest.fixture
def two_services(center_a, center_b):
    return ServiceFactory(center=center_a, name="Biostatistics"), ServiceFactory(center=center_b, name="Budgeting")


def test_every_kind_of_write_keeps_the_figures_equal_to_a_fresh_count(two_services, staff_a, center_a, center_b):
    service_a, service_b = two_services
    now = timezone.now()
    requests = [ConsultationRequestFactory(service=service_a, submitted_at=now - datetime.timedelta(days=d))
                for d in (1, 3, 40, 400, 2)]
    services.change_status(requests[0], Status.TRIAGED, by=staff_a)  # a move through the service
    TimeEntryFactory(request=requests[1], hours=Decimal("9.5"))  # hours kept in step by the service
    services.refresh_hours_used(requests[1].pk)
    ConsultationRequest.objects.filter(pk=requests[2].pk).update(center=center_b, service=service_b)  # bulk update
    with connection.cursor() as cursor:  # behind the ORM's back
        cursor.execute("UPDATE consultations_consultationrequest SET status = 'completed', completed_at = "
                       "submitted_at + interval '36 hours' WHERE id = %s", [requests[3].pk])
    ConsultationRequest.objects.filter(pk=requests[4].pk).delete()
    study = StudyFactory(center=center_a)
    for stage in (0, 2, 4):
        InterestFactory(study=study, stage_reached=stage)
    Interest.objects.filter(study=study, stage_reached=0).update(stage_reached=1)
    study.center = center_b
    study.save()  # the study moves: its inquiries' months go with it

    as_kept = kept()
    rollups.rebuild()
    assert kept() == as_kept
    assert as_kept["StudyFunnel"] == [(study.pk, 3, 3, 2, 1, 1)]
    assert [(c, n) for c, _, n in as_kept["InterestMonth"]] == [(center_b.pk, 3)]


def test_the_page_shows_a_change_made_in_bulk_once_its_figures_are_drawn_again(client, superuser, two_services):
    service_a, _ = two_services
    now = timezone.now()
    for _ in range(3):
        ConsultationRequestFactory(service=service_a, submitted_at=now - datetime.timedelta(days=5))
    client.force_login(superuser)
    assert "Hours used" in client.get(reverse("dashboards:dashboard")).content.decode()
    ConsultationRequest.objects.update(hours_used=Decimal("12.25"), hours_allotted=Decimal("8"))
    cache.clear()  # the page and its tables are kept two minutes
    hours = {t.key: t for t in client.get(reverse("dashboards:dashboard")).context["tables"]}["hours"]
    assert hours.rows == [[service_a.center.name, 36.75, 24.0, 3, 3]]


def test_months_are_those_of_the_portals_time_zone(two_services, settings):
    service_a, _ = two_services
    # 02:00 UTC on 1 November is 22:00 on 31 October in New York: an October request there.
    ConsultationRequestFactory(service=service_a,
                               submitted_at=datetime.datetime(2026, 11, 1, 2, 0, tzinfo=datetime.timezone.utc))
    assert settings.TIME_ZONE == "America/New_York"
    assert list(RequestMonth.objects.values_list("month", "requests")) == [(datetime.date(2026, 10, 1), 1)]


def test_open_requests_are_banded_by_the_minute_on_the_days_an_edge_falls_in(two_services):
    service_a, _ = two_services
    now = timezone.now()
    minute = datetime.timedelta(minutes=1)
    ages = {"just under 2 days": datetime.timedelta(days=2) - minute, "just over 2 days": datetime.timedelta(days=2) + minute,
            "just under 7 days": datetime.timedelta(days=7) - minute, "just over 30 days": datetime.timedelta(days=30) + minute,
            "a year": datetime.timedelta(days=365), "today": datetime.timedelta(hours=1)}
    for age in ages.values():
        ConsultationRequestFactory(service=service_a, submitted_at=now - age)
    ConsultationRequestFactory(service=service_a, submitted_at=now - datetime.timedelta(days=3),
                               status=Status.COMPLETED)  # closed: not counted
    rows = selectors.open_by_center_and_age(everyone(), now)
    # Under 2 days, 2-7 days, 1-4 weeks, over 30 days, open.
    assert rows == [[service_a.center.name, 2, 2, 0, 2, 6]]


def test_the_median_of_an_even_count_is_the_mean_of_the_two_middle_requests(two_services):
    service_a, _ = two_services
    now = timezone.now()
    for days in (1, 2, 4, 9):
        ConsultationRequestFactory(service=service_a, status=Status.TRIAGED, submitted_at=now - datetime.timedelta(days=20),
                                   triaged_at=now - datetime.timedelta(days=20 - days))
    rows = selectors.turnaround(everyone())
    assert rows[0] == [service_a.center.name, 3.0, 4, None, 0]
    assert rows[-1] == ["All shown centres", 3.0, 4, None, 0]
    assert Turnaround.objects.filter(kind="t").count() == 4


@pytest.mark.django_db(transaction=True)  # a TRUNCATE waits for no deferred check
def test_emptying_the_requests_empties_their_figures(two_services):
    ConsultationRequestFactory(service=two_services[0])
    assert CentreTotals.objects.get().requests == 1
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE consultations_consultationrequest CASCADE")
    assert not CentreTotals.objects.exists() and not RequestMonth.objects.exists()


def test_the_command_counts_again_and_says_what_it_counted(two_services):
    ConsultationRequestFactory(service=two_services[0])
    CentreTotals.objects.update(requests=99)  # a figure gone wrong
    out = StringIO()
    call_command("rebuild_dashboard_figures", stdout=out)
    assert CentreTotals.objects.get().requests == 1
    assert "requests: 1, inquiries: 0" in out.getvalue()


def test_a_centre_whose_requests_wait_for_triage_has_its_row_with_dashes(two_services, center_a):
    ConsultationRequestFactory(service=two_services[0])  # submitted, not triaged
    rows = selectors.turnaround(everyone())
    assert rows == [[center_a.name, None, 0, None, 0], ["All shown centres", None, 0, None, 0]]
