"""Writes of a budget: creating it, adding arms, visits and procedures, filling the calendar, saving versions.

Whoever may request services on the project edits its budgets (``projects.models.Rights.REQUEST``).
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max

from centers import pricing
from projects import selectors as project_selectors

from . import calc, selectors
from .models import FA_RATES, Arm, Budget, BudgetVersion, Cell, Procedure, Visit

MAX_ARMS, MAX_VISITS, MAX_PROCEDURES, MAX_COUNT = 20, 80, 150, 99
EDIT = project_selectors.Rights.REQUEST  # the right on the project that edits its budgets


def require_edit(user, budget_or_project_id) -> None:
    project_id = getattr(budget_or_project_id, "project_id", budget_or_project_id)
    if not project_selectors.may(user, project_id, EDIT):
        raise PermissionDenied("You need request rights on the project to change its budgets.")


def _next_position(queryset) -> int:
    return (queryset.aggregate(top=Max("position"))["top"] or 0) + 1


@transaction.atomic
def create_budget(*, by, project, title: str, sponsor_type: str, fa_rate: Decimal | None = None,
                  consultation=None) -> Budget:
    require_edit(by, project.pk)
    if consultation is not None and consultation.project_id != project.pk:
        raise ValidationError({"consultation": "Choose a request filed on this project."})
    budget = Budget.objects.create(project=project, title=title.strip(), sponsor_type=sponsor_type,
                                   fa_rate=FA_RATES[sponsor_type] if fa_rate is None else fa_rate,
                                   consultation=consultation, created_by=by)
    Arm.objects.create(budget=budget, position=1, name="Arm A")
    Visit.objects.create(budget=budget, position=1, name="Screening")
    return budget


def _limit(queryset, most: int, what: str) -> None:
    if queryset.count() >= most:
        raise ValidationError(f"A budget has at most {most} {what}.")


@transaction.atomic
def add_arm(budget: Budget, *, by, name: str, patients: int = 0, screen_failures: int = 0) -> Arm:
    require_edit(by, budget)
    _limit(budget.arms, MAX_ARMS, "arms")
    if budget.arms.filter(name__iexact=name.strip()).exists():
        raise ValidationError({"name": f"The budget already has an arm named “{name.strip()}”."})
    budget.save(update_fields=["updated_at"])
    return Arm.objects.create(budget=budget, position=_next_position(budget.arms), name=name.strip(),
                              patients=patients, screen_failures=screen_failures)


@transaction.atomic
def add_visit(budget: Budget, *, by, name: str) -> Visit:
    require_edit(by, budget)
    _limit(budget.visits, MAX_VISITS, "visits")
    if budget.visits.filter(name__iexact=name.strip()).exists():
        raise ValidationError({"name": f"The calendar already has a visit named “{name.strip()}”."})
    budget.save(update_fields=["updated_at"])
    return Visit.objects.create(budget=budget, position=_next_position(budget.visits), name=name.strip())


@transaction.atomic
def add_procedure(budget: Budget, *, by, service=None, name: str = "", unit_cost: Decimal | None = None) -> Procedure:
    """A procedure from the catalogue (its price for the budget's sponsor type today) or typed with its cost."""
    require_edit(by, budget)
    _limit(budget.procedures, MAX_PROCEDURES, "procedures")
    if service is not None:
        name = name.strip() or service.name
        if unit_cost is None:
            unit_cost = pricing.unit_price(service, budget.sponsor_type)
        if unit_cost is None:
            raise ValidationError({"unit_cost": f"{service.name} has no published price for this sponsor type: "
                                                "type the cost agreed with its team."})
    if not name.strip():
        raise ValidationError({"name": "Name the procedure, or choose one from the catalogue."})
    if unit_cost is None:
        raise ValidationError({"unit_cost": "Enter the cost of one procedure."})
    if budget.procedures.filter(name__iexact=name.strip()).exists():
        raise ValidationError({"name": f"The budget already has a procedure named “{name.strip()}”."})
    budget.save(update_fields=["updated_at"])
    return Procedure.objects.create(budget=budget, position=_next_position(budget.procedures), name=name.strip(),
                                    service=service, unit_cost=unit_cost)


@transaction.atomic
def save_calendar(arm: Arm, *, by, patients: int, screen_failures: int, counts: dict[tuple[int, int], int],
                  costs: dict[int, Decimal] | None = None) -> None:
    """Replace an arm's calendar: ``counts`` maps (visit id, procedure id) to how many times (0: not done)."""
    budget = Budget.objects.select_for_update().get(pk=arm.budget_id)
    require_edit(by, budget)
    visit_ids = set(budget.visits.values_list("pk", flat=True))
    procedure_ids = set(budget.procedures.values_list("pk", flat=True))
    for (visit_id, procedure_id), count in counts.items():
        if visit_id not in visit_ids or procedure_id not in procedure_ids:
            raise ValidationError("The calendar names a visit or procedure this budget does not have.")
        if not 0 <= count <= MAX_COUNT:
            raise ValidationError(f"A procedure is done 0 to {MAX_COUNT} times at a visit.")
    arm.patients, arm.screen_failures = patients, screen_failures
    arm.save(update_fields=["patients", "screen_failures"])
    for procedure_id, cost in (costs or {}).items():
        if procedure_id in procedure_ids:
            Procedure.objects.filter(pk=procedure_id).update(unit_cost=cost)
    Cell.objects.filter(arm=arm).delete()
    Cell.objects.bulk_create([Cell(arm=arm, visit_id=v, procedure_id=p, count=n)
                              for (v, p), n in counts.items() if n], batch_size=2000)
    budget.save(update_fields=["updated_at"])


@transaction.atomic
def save_version(budget: Budget, *, by, note: str = "") -> BudgetVersion:
    """Keep the budget as it is now, with what changed since the last version."""
    budget = Budget.objects.select_for_update().get(pk=budget.pk)
    require_edit(by, budget)
    sheet = selectors.sheet(budget)
    now = calc.snapshot(sheet)
    last = budget.versions.order_by("-number").first()
    return BudgetVersion.objects.create(
        budget=budget, number=(last.number + 1) if last else 1, saved_by=by, note=note.strip()[:300],
        changes=calc.changes(last.snapshot if last else None, now), snapshot=now, total=sheet.total)
