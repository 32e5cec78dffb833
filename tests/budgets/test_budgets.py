"""The study budget builder: arms by visits, procedures from the catalogue or typed, totals, versions, exports."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from budgets import selectors, services
from budgets.models import Budget, Cell, Procedure
from centers.models import FundingType, ServiceRate
from projects.models import Member, Rights
from tests.consultations.factories import ConsultationRequestFactory
from tests.factories import ServiceFactory


def fill(budget, researcher):
    """One arm of 10 patients (2 screen failures), visits Screening and Week 2, a $100 procedure at both."""
    arm = budget.arms.get()
    screening = budget.visits.get()
    week2 = services.add_visit(budget, by=researcher, name="Week 2")
    ecg = services.add_procedure(budget, by=researcher, name="ECG", unit_cost=Decimal("100"))
    services.save_calendar(arm, by=researcher, patients=10, screen_failures=2,
                           counts={(screening.pk, ecg.pk): 1, (week2.pk, ecg.pk): 2})
    return arm, ecg


def test_a_researcher_builds_a_budget_from_the_project_page(client, researcher, project):
    client.force_login(researcher)
    assert reverse("budgets:new", args=[project.pk]) in client.get(project.get_absolute_url()).content.decode()
    response = client.post(reverse("budgets:new", args=[project.pk]),
                           {"title": "Main budget", "sponsor_type": "industry", "fa_rate": ""})
    budget = Budget.objects.get()
    assert response.status_code == 302 and budget.fa_rate == Decimal("0.30")
    assert [a.name for a in budget.arms.all()] == ["Arm A"] and [v.name for v in budget.visits.all()] == ["Screening"]


def test_per_patient_arm_and_overall_totals_with_screen_failures_and_fa(client, researcher, budget):
    fill(budget, researcher)
    sheet = selectors.sheet(budget)
    totals = sheet.totals[0]
    assert totals.per_visit == [Decimal("100"), Decimal("200")] and totals.per_patient == Decimal("300.00")
    assert (totals.screen_failure_cost, totals.direct) == (Decimal("200.00"), Decimal("3200.00"))
    assert (totals.fa, totals.total, sheet.total) == (Decimal("1792.00"), Decimal("4992.00"), Decimal("4992.00"))
    client.force_login(researcher)
    html = client.get(budget.get_absolute_url()).content.decode()
    assert "$4,992.00" in html and "$300.00" in html and 'name="c-' in html


def test_a_catalogue_procedure_takes_its_price_for_the_sponsor_type(researcher, budget):
    lab = ServiceFactory(name="Research lab processing", unit="sample")
    ServiceRate.objects.create(service=lab, funding_type=FundingType.FEDERAL, amount="42.50",
                               effective_from=datetime.date(2020, 1, 1))
    assert services.add_procedure(budget, by=researcher, service=lab).unit_cost == Decimal("42.50")
    unpriced = ServiceFactory(name="Imaging read")
    with pytest.raises(ValidationError, match="type the cost agreed"):
        services.add_procedure(budget, by=researcher, service=unpriced)


def test_bad_additions_say_what_to_fix(client, researcher, budget):
    client.force_login(researcher)
    page = client.post(reverse("budgets:add_procedure", args=[budget.pk]), {"name": "ECG", "unit_cost": "-3"},
                       follow=True).content.decode()
    assert "Unit cost: A cost cannot be negative." in page
    page = client.post(reverse("budgets:add_procedure", args=[budget.pk]), {"name": "ECG"}, follow=True)
    assert "Enter the cost of one procedure." in page.content.decode()
    page = client.post(reverse("budgets:add_visit", args=[budget.pk]), {"name": "screening"}, follow=True)
    assert "already has a visit named" in page.content.decode()
    assert not Procedure.objects.exists()


def test_a_bad_calendar_is_refused_whole(client, researcher, budget):
    arm, ecg = fill(budget, researcher)
    visit = budget.visits.first()
    client.force_login(researcher)
    url = reverse("budgets:calendar", args=[budget.pk, arm.pk])
    page = client.post(url, {"patients": "12", "screen_failures": "0", f"c-{visit.pk}-{ecg.pk}": "two"}, follow=True)
    assert "Times a procedure is done at a visit: enter a whole number from 0 to 99." in page.content.decode()
    page = client.post(url, {"patients": "12", f"cost-{ecg.pk}": "abc"}, follow=True)
    assert "Cost of one: enter a number" in page.content.decode()
    arm.refresh_from_db()
    assert arm.patients == 10 and Cell.objects.count() == 2


def test_versions_say_what_changed(client, researcher, budget):
    arm, ecg = fill(budget, researcher)
    first = services.save_version(budget, by=researcher, note="Sent to the sponsor")
    services.save_calendar(arm, by=researcher, patients=12, screen_failures=2,
                           counts={(budget.visits.first().pk, ecg.pk): 1}, costs={ecg.pk: Decimal("120")})
    services.add_arm(budget, by=researcher, name="Arm B", patients=5)
    second = services.save_version(budget, by=researcher)
    assert first.changes == ["First version."] and first.total == Decimal("4992.00")
    assert "Arm added: Arm B" in second.changes and "Arm A: patients 10 → 12" in second.changes
    assert "ECG: unit cost 100.00 → 120.00" in second.changes and "1 calendar cell changed" in second.changes
    client.force_login(researcher)
    html = client.get(budget.get_absolute_url()).content.decode()
    assert "Version 2" in html and "Sent to the sponsor" in html and "Arm A: patients 10 → 12" in html


def test_exports_to_xlsx_csv_and_a_print_page(client, researcher, budget):
    fill(budget, researcher)
    client.force_login(researcher)
    response = client.get(reverse("budgets:xlsx", args=[budget.pk]))
    assert response["Content-Disposition"] == 'attachment; filename="budget-asthma-pilot-budget.xlsx"'
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Summary", "Arm A"]
    rows = list(book["Summary"].values)
    assert rows[-1][0] == "All arms" and Decimal(str(rows[-1][-1])) == Decimal("4992")
    calendar = list(book["Arm A"].values)
    assert calendar[0] == ("Procedure", "Unit cost", "Screening", "Week 2", "Per patient")
    assert calendar[1][0] == "ECG" and calendar[1][2:4] == (1, 2)
    text = client.get(reverse("budgets:csv", args=[budget.pk])).content.decode()
    assert "Arm A,Week 2,ECG,2,100.00,200.00" in text
    printed = client.get(reverse("budgets:print", args=[budget.pk])).content.decode()
    assert "Arm A: 10 patients, 2 screen failures" in printed and "$4,992.00" in printed


def test_the_budget_follows_the_project(client, researcher, budget, coordinator_member, other_researcher):
    Member.objects.filter(pk=coordinator_member.pk).update(rights=Rights.VIEW)
    client.force_login(coordinator_member.user)
    html = client.get(budget.get_absolute_url()).content.decode()
    assert budget.title in html and "Keep this version" not in html and " disabled" in html
    assert client.post(reverse("budgets:add_arm", args=[budget.pk]), {"name": "X", "patients": "1",
                                                                     "screen_failures": "0"}).status_code == 404
    assert client.get(reverse("budgets:xlsx", args=[budget.pk])).status_code == 200
    client.force_login(other_researcher)
    assert client.get(budget.get_absolute_url()).status_code == 404
    assert client.get(reverse("budgets:csv", args=[budget.pk])).status_code == 404


def test_a_budget_is_attached_to_the_budgeting_consultation_of_its_project(client, researcher, project):
    budgeting = ConsultationRequestFactory(requester=researcher, project=project, title="Budget help")
    elsewhere = ConsultationRequestFactory(requester=researcher)
    budget = services.create_budget(by=researcher, project=project, title="B", sponsor_type="other",
                                    consultation=budgeting)
    client.force_login(researcher)
    assert budget.get_absolute_url() in client.get(budgeting.get_absolute_url()).content.decode()
    with pytest.raises(ValidationError, match="filed on this project"):
        services.create_budget(by=researcher, project=project, title="C", sponsor_type="other", consultation=elsewhere)


@pytest.mark.parametrize("arms, visits, procedures", [(1, 2, 2), (4, 12, 10)])
def test_the_budget_page_reads_in_a_fixed_number_of_queries(client, researcher, budget, arms, visits, procedures,
                                                            django_assert_max_num_queries):
    for n in range(arms - 1):
        services.add_arm(budget, by=researcher, name=f"Arm {n}", patients=3)
    for n in range(visits - 1):
        services.add_visit(budget, by=researcher, name=f"Visit {n}")
    for n in range(procedures):
        services.add_procedure(budget, by=researcher, name=f"Procedure {n}", unit_cost=Decimal("10"))
    for arm in budget.arms.all():
        services.save_calendar(arm, by=researcher, patients=3, screen_failures=1,
                               counts={(v.pk, p.pk): 1 for v in budget.visits.all() for p in budget.procedures.all()})
    services.save_version(budget, by=researcher)
    client.force_login(researcher)
    # The same for both sizes: sign-in and rights, the budget, its arms, visits, procedures, the sums of every
    # arm's visits, the shown arm's cells, the versions.
    with django_assert_max_num_queries(13):
        assert client.get(budget.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(reverse("budgets:xlsx", args=[budget.pk])).status_code == 200


def test_a_member_taken_off_the_team_gets_404_on_the_kept_page(client, budget, coordinator_member):
    client.force_login(coordinator_member.user)
    assert client.get(budget.get_absolute_url()).status_code == 200
    assert client.get(budget.get_absolute_url()).status_code == 200  # now served as kept
    coordinator_member.delete()
    assert client.get(budget.get_absolute_url()).status_code == 404
