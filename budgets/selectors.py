"""Reads: the budgets a person may see (they follow the project) and a budget read in full."""

from __future__ import annotations

import datetime

from django.db.models import DecimalField, F, QuerySet, Sum

from common.compiled import CompiledQuery
from projects import selectors as project_selectors

from .calc import Sheet, compute
from .models import Budget, BudgetVersion, Cell


def visible(user, needed: str = project_selectors.Rights.VIEW) -> QuerySet[Budget]:
    return Budget.objects.filter(project__in=project_selectors.project_ids(user, needed)).select_related(
        "project", "consultation")


def budget_for(user, pk: int, needed: str = project_selectors.Rights.VIEW) -> Budget | None:
    return visible(user, needed).filter(pk=pk).first()


_LAST_CHANGE = CompiledQuery(
    lambda user_id, pk: Budget.objects.filter(pk=pk, project__in=project_selectors.member_project_ids(user_id))
    .order_by().values_list("updated_at")[:1], arguments=2)
_LARGEST_ID = 2**63 - 1


def last_change_if_visible(user, pk: int) -> datetime.datetime | None:
    """When the budget last changed, if ``user`` may see it (None: a 404): the key of its kept page,
    read without the budget's row, project and request (a lean query on every visit, its SQL built
    once per process)."""
    if not (getattr(user, "is_authenticated", False) and user.is_active) or not 0 < pk <= _LARGEST_ID:
        return None
    return _LAST_CHANGE.first_value(user.pk, pk)


def sheet(budget: Budget, *, arm_id: int | None = None) -> Sheet:
    """The budget with its totals in a fixed number of queries, whatever its size.

    With ``arm_id`` only that arm's calendar is read cell by cell (the page shows one arm; the
    database sums the visits of every arm); without it, every cell (exports, versions, print).
    """
    arms = list(budget.arms.order_by("position"))
    visits = list(budget.visits.order_by("position"))
    procedures = list(budget.procedures.order_by("position"))
    cells = Cell.objects.filter(arm__budget=budget)
    visit_costs = None
    if arm_id is not None:
        cells = cells.filter(arm_id=arm_id)
        visit_costs = {(a, v): cost for a, v, cost in Cell.objects.filter(arm__budget=budget).values(
            "arm_id", "visit_id").annotate(cost=Sum(F("count") * F("procedure__unit_cost"),
                                                    output_field=DecimalField())).order_by().values_list(
            "arm_id", "visit_id", "cost")}
    counts = {(a, v, p): n for a, v, p, n in cells.values_list("arm_id", "visit_id", "procedure_id", "count")}
    return compute(Sheet(budget=budget, arms=arms, visits=visits, procedures=procedures, counts=counts,
                         visit_costs=visit_costs))


def versions(budget: Budget) -> QuerySet[BudgetVersion]:
    return budget.versions.select_related("saved_by").defer("snapshot")
