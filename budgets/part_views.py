"""Pages that rename, move and remove an arm, a visit or a procedure of a budget (plain forms:
no JavaScript needed; removing asks first)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import researcher_required

from . import parts, services
from .forms import RenameForm
from .views import _budget, _say


def _part(request, pk: int, kind: str, part_id: int):
    budget = _budget(request, pk, services.EDIT)
    part = parts.get(budget, kind, part_id)
    if part is None:
        raise Http404("No such part of this budget.")
    part.budget = budget
    return budget, part


def _back(budget, part) -> str:
    if parts.kind_of(part) == "arm":
        return f"{budget.get_absolute_url()}?arm={part.pk}#calendar"
    return f"{budget.get_absolute_url()}#calendar"


@researcher_required("projects/researchers_only.html")
@require_http_methods(["GET", "POST"])
def edit(request, pk: int, kind: str, part_id: int):
    budget, part = _part(request, pk, kind, part_id)
    form = RenameForm(request.POST or None, part=part)
    if request.method == "POST" and form.is_valid():
        try:
            version = parts.rename(part, by=request.user, name=form.cleaned_data["name"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if version is not None:
                messages.success(request, f"Renamed: kept as version {version.number}.")
            return redirect(_back(budget, part))
    rows = list(parts.siblings(part).values_list("pk", flat=True))
    return render(request, "budgets/part.html", {
        "budget": budget, "part": part, "kind": kind, "what": parts.label(part), "form": form,
        "place": rows.index(part.pk) + 1, "of": len(rows), "back": _back(budget, part),
    })


@researcher_required("projects/researchers_only.html")
@require_POST
def move(request, pk: int, kind: str, part_id: int):
    budget, part = _part(request, pk, kind, part_id)
    version = parts.move(part, by=request.user, up=request.POST.get("direction") == "up")
    if version is not None:
        messages.success(request, f"Moved: kept as version {version.number}.")
    return redirect(reverse("budgets:edit_part", args=[budget.pk, kind, part.pk]))


@researcher_required("projects/researchers_only.html")
@require_http_methods(["GET", "POST"])
def remove(request, pk: int, kind: str, part_id: int):
    budget, part = _part(request, pk, kind, part_id)
    if request.method == "POST":
        try:
            version = parts.remove(part, by=request.user)
        except ValidationError as error:
            _say(request, error)
            return redirect(reverse("budgets:edit_part", args=[budget.pk, kind, part.pk]))
        messages.success(request, f"The {parts.label(part)} “{part.name}” is removed: kept as version "
                                  f"{version.number}.")
        return redirect(f"{budget.get_absolute_url()}#calendar")
    return render(request, "budgets/remove.html", {
        "budget": budget, "part": part, "kind": kind, "what": parts.label(part), "cells": parts.cells_of(part),
        "problem": parts.removable(part), "back": reverse("budgets:edit_part", args=[budget.pk, kind, part.pk]),
    })
