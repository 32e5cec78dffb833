"""Renaming, moving and removing the arms, visits and procedures of a budget: asked first, kept as versions,
gone from totals, exports and the print page; only for those who edit the budget."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from budgets import calc, selectors, services
from budgets.models import Arm, Cell, Procedure, Visit
from projects.models import Member, Rights


@pytest.fixture
def built(budget, researcher):
    """Arms A (10 patients) and B (5), visits Screening and Week 2, ECG ($100) at both in both arms, X-ray ($50)
    at Week 2 in arm B."""
    arm_a = budget.arms.get()
    arm_b = services.add_arm(budget, by=researcher, name="Arm B")
    screening = budget.visits.get()
    week2 = services.add_visit(budget, by=researcher, name="Week 2")
    ecg = services.add_procedure(budget, by=researcher, name="ECG", unit_cost=Decimal("100"))
    xray = services.add_procedure(budget, by=researcher, name="X-ray", unit_cost=Decimal("50"))
    services.save_calendar(arm_a, by=researcher, patients=10, screen_failures=0,
                           counts={(screening.pk, ecg.pk): 1, (week2.pk, ecg.pk): 1})
    services.save_calendar(arm_b, by=researcher, patients=5, screen_failures=0,
                           counts={(screening.pk, ecg.pk): 1, (week2.pk, ecg.pk): 1, (week2.pk, xray.pk): 1})
    services.save_version(budget, by=researcher)
    return {"arm_a": arm_a, "arm_b": arm_b, "screening": screening, "week2": week2, "ecg": ecg, "xray": xray}


def url(name, budget, kind, part):
    return reverse(f"budgets:{name}", args=[budget.pk, kind, part.pk])


def everything_shown(client, budget) -> str:
    """The budget page, the CSV, the print page and the workbook's cells, as one text."""
    book = load_workbook(io.BytesIO(client.get(reverse("budgets:xlsx", args=[budget.pk])).content))
    cells = " ".join(f"{name}: " + " ".join(str(v) for row in book[name].values for v in row if v is not None)
                     for name in book.sheetnames)
    return " ".join((client.get(budget.get_absolute_url()).content.decode(),
                     client.get(reverse("budgets:csv", args=[budget.pk])).content.decode(),
                     client.get(reverse("budgets:print", args=[budget.pk])).content.decode(), cells))


def test_removing_an_arm_asks_first_then_leaves_totals_exports_and_print(client, researcher, budget, built):
    client.force_login(researcher)
    assert selectors.sheet(budget).total == Decimal("5070.00")  # (200 x 10 + 250 x 5) x 1.56 (federal F&A)
    detail = client.get(f"{budget.get_absolute_url()}?arm={built['arm_b'].pk}").content.decode()
    assert url("edit_part", budget, "arm", built["arm_b"]) in detail
    edit = client.get(url("edit_part", budget, "arm", built["arm_b"])).content.decode()
    assert url("remove_part", budget, "arm", built["arm_b"]) in edit
    confirm = client.get(url("remove_part", budget, "arm", built["arm_b"]))
    assert "Remove the arm “Arm B”?" in confirm.content.decode() and "3 calendar entries" in confirm.content.decode()
    assert Arm.objects.filter(pk=built["arm_b"].pk).exists()  # asking removes nothing

    page = client.post(url("remove_part", budget, "arm", built["arm_b"]), follow=True).content.decode()
    assert "The arm “Arm B” is removed: kept as version 2." in page
    assert not Arm.objects.filter(pk=built["arm_b"].pk).exists() and Cell.objects.count() == 2
    shown = everything_shown(client, budget)
    assert "Arm B" not in shown.replace("Arm added: Arm B", "").replace("Arm removed: Arm B", "").replace(
        "The arm “Arm B” removed", "")
    assert "$3,120.00" in shown  # 200 x 10 x 1.56
    version = budget.versions.first()
    assert version.number == 2 and version.total == Decimal("3120.00")
    assert "Arm removed: Arm B" in version.changes and "Total 5070.00 → 3120.00" in version.changes


def test_removing_a_visit_takes_its_procedures_from_every_arm(client, researcher, budget, built):
    client.force_login(researcher)
    confirm = client.get(url("remove_part", budget, "visit", built["week2"])).content.decode()
    assert "3 calendar entries" in confirm and "every arm" in confirm
    client.post(url("remove_part", budget, "visit", built["week2"]), follow=True)  # the message is read
    assert not Visit.objects.filter(pk=built["week2"].pk).exists()
    assert set(Cell.objects.values_list("visit_id", flat=True)) == {built["screening"].pk}
    sheet = selectors.sheet(budget)
    assert [t.per_visit for t in sheet.totals] == [[Decimal("100")], [Decimal("100")]]
    assert sheet.total == Decimal("2340.00")  # 100 x 15 x 1.56
    shown = everything_shown(client, budget)
    assert "Week 2" not in shown.replace("Visit removed: Week 2", "").replace("The visit “Week 2” removed", "")
    assert "Visit removed: Week 2" in budget.versions.first().changes


def test_removing_a_procedure(client, researcher, budget, built):
    client.force_login(researcher)
    client.post(url("remove_part", budget, "procedure", built["xray"]))
    assert not Procedure.objects.filter(pk=built["xray"].pk).exists()
    assert selectors.sheet(budget).total == Decimal("4680.00")  # 200 x 15 x 1.56
    assert "Procedure removed: X-ray" in budget.versions.first().changes


def test_renaming_a_visit_is_one_change_not_a_removal(client, researcher, budget, built):
    client.force_login(researcher)
    page = client.post(url("edit_part", budget, "visit", built["week2"]), {"name": "Week 3"}, follow=True)
    assert "Renamed: kept as version 2." in page.content.decode()
    assert budget.visits.get(pk=built["week2"].pk).name == "Week 3"
    assert budget.versions.first().changes == ["Visit renamed: Week 2 → Week 3"]
    assert "Week 3" in everything_shown(client, budget)
    refused = client.post(url("edit_part", budget, "visit", built["week2"]), {"name": "screening"})
    assert refused.status_code == 200 and "already has a visit named “screening”" in refused.content.decode()
    assert budget.visits.get(pk=built["week2"].pk).name == "Week 3" and budget.versions.count() == 2


def test_moving_a_visit_earlier_changes_the_calendar_order_and_the_first_visit(client, researcher, budget, built):
    client.force_login(researcher)
    arm_a = built["arm_a"]
    services.save_calendar(arm_a, by=researcher, patients=10, screen_failures=1,
                           counts={(built["week2"].pk, built["xray"].pk): 1})
    assert selectors.sheet(budget).totals[0].screen_failure_cost == Decimal("0.00")  # Screening costs nothing
    page = client.post(url("move_part", budget, "visit", built["week2"]), {"direction": "up"}, follow=True)
    assert "Moved: kept as version 2." in page.content.decode() and "Visit 1 of 2" in page.content.decode()
    sheet = selectors.sheet(budget)
    assert [v.name for v in sheet.visits] == ["Week 2", "Screening"]
    assert sheet.totals[0].screen_failure_cost == Decimal("50.00")  # the first visit is Week 2 now
    calendar = list(load_workbook(io.BytesIO(client.get(reverse("budgets:xlsx", args=[budget.pk])).content))[
        "Arm A"].values)
    assert calendar[0][2:4] == ("Week 2", "Screening")
    assert "Visits in a new order: Week 2, Screening" in budget.versions.first().changes
    client.post(url("move_part", budget, "visit", built["week2"]), {"direction": "up"})  # first already: no change
    assert budget.versions.count() == 2


def test_a_budget_keeps_one_arm(client, researcher, budget):
    client.force_login(researcher)
    arm = budget.arms.get()
    assert "keeps at least one arm" in client.get(url("remove_part", budget, "arm", arm)).content.decode()
    page = client.post(url("remove_part", budget, "arm", arm), follow=True).content.decode()
    assert "keeps at least one arm" in page and budget.arms.filter(pk=arm.pk).exists()


def test_only_those_who_edit_the_budget_change_its_parts(client, budget, built, coordinator_member,
                                                         other_researcher):
    arm_b = built["arm_b"]
    client.force_login(coordinator_member.user)  # request rights: edits the budget
    client.post(url("edit_part", budget, "arm", arm_b), {"name": "Arm Beta"})
    assert Arm.objects.get(pk=arm_b.pk).name == "Arm Beta"
    Member.objects.filter(pk=coordinator_member.pk).update(rights=Rights.VIEW)
    html = client.get(f"{budget.get_absolute_url()}?arm={arm_b.pk}").content.decode()
    assert "Rename, move or remove" not in html
    for user in (coordinator_member.user, other_researcher):
        client.force_login(user)
        for name in ("edit_part", "remove_part"):
            assert client.get(url(name, budget, "arm", arm_b)).status_code == 404
        assert client.post(url("remove_part", budget, "arm", arm_b)).status_code == 404
        assert client.post(url("move_part", budget, "visit", built["week2"]), {"direction": "up"}).status_code == 404
        assert client.post(url("edit_part", budget, "arm", arm_b), {"name": "Mine"}).status_code == 404
    assert Arm.objects.get(pk=arm_b.pk).name == "Arm Beta" and budget.versions.count() == 2


def test_a_part_of_another_budget_or_kind_is_not_found(client, researcher, project, budget, built):
    other = services.create_budget(by=researcher, project=project, title="Other", sponsor_type="federal")
    client.force_login(researcher)
    assert client.get(url("remove_part", other, "arm", built["arm_b"])).status_code == 404
    assert client.get(url("edit_part", budget, "cell", built["arm_b"])).status_code == 404
    assert client.get(url("edit_part", budget, "visit", built["arm_b"])).status_code == 404


def test_versions_kept_before_parts_were_named_still_compare():
    before = {"title": "B", "fa_rate": "0.5600", "arms": {"Arm A": {"patients": 1, "screen_failures": 0}},
              "visits": ["Screening"], "procedures": {"ECG": "100.00"}, "cells": {"Arm A | Screening | ECG": 1},
              "total": "156.00"}
    after = {**before, "visits": ["Baseline"], "cells": {"Arm A | Baseline | ECG": 1},
             "parts": {"arms": [[1, "Arm A"]], "visits": [[2, "Baseline"]], "procedures": [[3, "ECG"]]}}
    assert calc.changes(before, after) == ["Visit added: Baseline", "Visit removed: Screening",
                                           "2 calendar cells changed"]


def test_the_kept_page_and_files_follow_every_change(client, researcher, budget, built, django_assert_max_num_queries):
    client.force_login(researcher)
    xlsx = reverse("budgets:xlsx", args=[budget.pk])
    assert "$5,070.00" in client.get(budget.get_absolute_url()).content.decode()
    client.get(xlsx)
    with django_assert_max_num_queries(4):  # served as kept: sign-in, the budget and rights, no cell read
        assert "$5,070.00" in client.get(budget.get_absolute_url()).content.decode()
    services.save_calendar(built["arm_a"], by=researcher, patients=20, screen_failures=0,
                           counts={(built["screening"].pk, built["ecg"].pk): 1, (built["week2"].pk, built["ecg"].pk): 1})
    assert "$8,190.00" in client.get(budget.get_absolute_url()).content.decode()  # (4,000 + 1,250) x 1.56
    summary = list(load_workbook(io.BytesIO(client.get(xlsx).content))["Summary"].values)
    assert Decimal(str(summary[-1][-1])) == Decimal("8190")
    services.add_visit(budget, by=researcher, name="Week 8")
    assert "Week 8" in client.get(budget.get_absolute_url()).content.decode()
