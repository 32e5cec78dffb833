"""Changing the parts of a budget once they are there: renaming, moving and removing an arm, a visit
or a procedure. Each change is kept as a new version saying what changed (``services.save_version``).

A removed arm takes its calendar with it; a removed visit or procedure takes its cells in every
arm: totals, exports and the print page no longer count them. A budget keeps at least one arm and
one visit. The same people who build the budget change it (``services.EDIT``).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Model

from . import services
from .models import Arm, Budget, Cell, Procedure, Visit

# kind in the address -> model, how the budget names its rows, what a person calls one
KINDS: dict[str, tuple[type[Model], str, str]] = {
    "arm": (Arm, "arms", "arm"), "visit": (Visit, "visits", "visit"), "procedure": (Procedure, "procedures", "procedure"),
}


def label(part) -> str:
    return KINDS[kind_of(part)][2]


def kind_of(part) -> str:
    return next(kind for kind, (model, _, _) in KINDS.items() if isinstance(part, model))


def get(budget: Budget, kind: str, part_id: int):
    """The arm, visit or procedure ``part_id`` of ``budget``, or None."""
    if kind not in KINDS:
        return None
    return KINDS[kind][0].objects.filter(budget=budget, pk=part_id).first()


def siblings(part):
    return getattr(part.budget, KINDS[kind_of(part)][1]).order_by("position")


def cells_of(part) -> int:
    """How many calendar cells (procedure counts at a visit of an arm) go when ``part`` is removed."""
    field = {"arm": "arm", "visit": "visit", "procedure": "procedure"}[kind_of(part)]
    return Cell.objects.filter(**{field: part}).aggregate(n=Count("pk"))["n"]


def _locked(part, by):
    budget = Budget.objects.select_for_update().get(pk=part.budget_id)
    services.require_edit(by, budget)
    budget.save(update_fields=["updated_at"])  # what the budget's cached pages are keyed by
    return budget


@transaction.atomic
def rename(part, *, by, name: str):
    _locked(part, by)
    name = name.strip()
    if not name:
        raise ValidationError({"name": f"Name the {label(part)}."})
    if name == part.name:
        return None
    if siblings(part).filter(name__iexact=name).exclude(pk=part.pk).exists():
        raise ValidationError({"name": f"The budget already has a {label(part)} named “{name}”."})
    old, part.name = part.name, name
    part.save(update_fields=["name"])
    return services.save_version(part.budget, by=by, note=f"The {label(part)} “{old}” renamed “{name}”")


@transaction.atomic
def move(part, *, by, up: bool):
    """Swap ``part`` with the one before it (``up``) or after it; at either end nothing moves."""
    _locked(part, by)
    rows = siblings(part)
    other = (rows.filter(position__lt=part.position).order_by("-position") if up
             else rows.filter(position__gt=part.position)).first()
    if other is None:
        return None
    mine, theirs = part.position, other.position
    type(part).objects.filter(pk=part.pk).update(position=0)  # positions are unique in a budget: swap through 0
    type(part).objects.filter(pk=other.pk).update(position=mine)
    type(part).objects.filter(pk=part.pk).update(position=theirs)
    part.position = theirs
    where = "earlier" if up else "later"
    return services.save_version(part.budget, by=by, note=f"The {label(part)} “{part.name}” moved {where}")


def removable(part) -> str:
    """Why ``part`` may not be removed, or an empty string."""
    if kind_of(part) in ("arm", "visit") and siblings(part).count() <= 1:
        return f"A budget keeps at least one {label(part)}: rename this one instead."
    return ""


@transaction.atomic
def remove(part, *, by):
    budget = _locked(part, by)
    problem = removable(part)
    if problem:
        raise ValidationError(problem)
    name, what = part.name, label(part)
    part.delete()  # its calendar cells go with it (on delete cascade)
    return services.save_version(budget, by=by, note=f"The {what} “{name}” removed")
