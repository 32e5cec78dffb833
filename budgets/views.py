"""Researcher pages of a study budget: build it, fill the calendar, keep versions, export and print."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.decorators import researcher_required
from projects import selectors as project_selectors

from . import exports, grid, page_cache, selectors, services
from .forms import ArmForm, BudgetForm, ProcedureForm, VisitForm
from .models import Arm

REQUEST = project_selectors.Rights.REQUEST


def _budget(request, pk: int, needed: str = project_selectors.Rights.VIEW):
    budget = selectors.budget_for(request.user, pk, needed)
    if budget is None:
        raise Http404("No such budget.")
    return budget


def _say(request, error: ValidationError) -> None:
    for field, problems in (error.message_dict.items() if hasattr(error, "error_dict") else [(None, error.messages)]):
        label = "" if field in (None, "__all__") else f"{field.replace('_', ' ').capitalize()}: "
        messages.error(request, label + " ".join(problems))


@researcher_required("projects/researchers_only.html")
@require_http_methods(["GET", "POST"])
def new(request, project_id: int):
    project = project_selectors.visible_project(request.user, project_id, REQUEST)
    if project is None:
        raise Http404("No such project.")
    form = BudgetForm(request.POST or None, consultations=project.consultation_requests.only("id", "reference",
                                                                                             "title"))
    if request.method == "POST" and form.is_valid():
        budget = services.create_budget(by=request.user, project=project, **form.cleaned_data)
        messages.success(request, "The budget is created with one arm and a screening visit: add the rest below.")
        return redirect(budget)
    return render(request, "budgets/new.html", {"form": form, "project": project})


@researcher_required("projects/researchers_only.html")
@require_GET
def detail(request, pk: int):
    updated_at = selectors.last_change_if_visible(request.user, pk)
    if updated_at is None:
        raise Http404("No such budget.")
    return page_cache.cached_page(request, pk, updated_at, lambda: _detail(request, _budget(request, pk)))


def _detail(request, budget):
    wanted = request.GET.get("arm", "")
    arm_id = int(wanted) if wanted.isdigit() and len(wanted) < 10 else None
    arm_id = arm_id or budget.arms.order_by("position").values_list("pk", flat=True).first()
    sheet = selectors.sheet(budget, arm_id=arm_id or 0)
    editable = project_selectors.may(request.user, budget.project_id, REQUEST)
    arm = next((a for a in sheet.arms if a.pk == arm_id), sheet.arms[0] if sheet.arms else None)
    if arm is not None and arm.pk != arm_id:  # an arm of another budget was asked for: show the first
        sheet = selectors.sheet(budget, arm_id=arm.pk)
    return render(request, "budgets/detail.html", {
        "budget": budget, "sheet": sheet, "arm": arm, "editable": editable,
        "calendar": grid.calendar(sheet, arm, editable) if arm else "",
        "versions": selectors.versions(budget)[:20],
        "arm_form": ArmForm(), "visit_form": VisitForm(), "procedure_form": ProcedureForm(),
    })


def _add(request, pk: int, form_class, add, done: str):
    budget = _budget(request, pk, REQUEST)
    form = form_class(request.POST)
    if not form.is_valid():
        _say(request, ValidationError({field: list(errors) for field, errors in form.errors.items()}))
    else:
        try:
            add(budget, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _say(request, error)
        else:
            messages.success(request, done)
    return redirect(budget)


@researcher_required("projects/researchers_only.html")
@require_POST
def add_arm(request, pk: int):
    return _add(request, pk, ArmForm, services.add_arm, "The arm is added.")


@researcher_required("projects/researchers_only.html")
@require_POST
def add_visit(request, pk: int):
    return _add(request, pk, VisitForm, services.add_visit, "The visit is added to the calendar.")


@researcher_required("projects/researchers_only.html")
@require_POST
def add_procedure(request, pk: int):
    return _add(request, pk, ProcedureForm, services.add_procedure, "The procedure is added.")


def _whole(value: str, label: str, most: int) -> int:
    value = (value or "").strip()
    if not value:
        return 0
    if not value.isdigit() or int(value) > most:
        raise ValidationError(f"{label}: enter a whole number from 0 to {most}.")
    return int(value)


@researcher_required("projects/researchers_only.html")
@require_POST
def save_calendar(request, pk: int, arm_id: int):
    budget = _budget(request, pk, REQUEST)
    arm = Arm.objects.filter(budget=budget, pk=arm_id).first()
    if arm is None:
        raise Http404("No such arm.")
    try:
        counts, costs = {}, {}
        for key, value in request.POST.items():
            if key.startswith("c-"):
                _, visit_id, procedure_id = (key.split("-") + ["", ""])[:3]
                if not (visit_id.isdigit() and procedure_id.isdigit()):
                    raise ValidationError("The calendar was sent damaged: reload the page and try again.")
                counts[(int(visit_id), int(procedure_id))] = _whole(value, "Times a procedure is done at a visit",
                                                                    services.MAX_COUNT)
            elif key.startswith("cost-") and key[5:].isdigit():
                try:
                    cost = Decimal(value.strip() or "x")
                except InvalidOperation:
                    raise ValidationError("Cost of one: enter a number, for example 125.50.") from None
                if cost < 0 or cost >= Decimal("100000000") or not cost.is_finite():
                    raise ValidationError("Cost of one: enter an amount from 0 to 99,999,999.99.")
                costs[int(key[5:])] = cost.quantize(Decimal("0.01"))
        services.save_calendar(arm, by=request.user, counts=counts, costs=costs,
                               patients=_whole(request.POST.get("patients"), "Patients", 100000),
                               screen_failures=_whole(request.POST.get("screen_failures"), "Screen failures", 100000))
    except ValidationError as error:
        _say(request, error)
    else:
        messages.success(request, f"The calendar of {arm.name} is saved.")
    return redirect(f"{budget.get_absolute_url()}?arm={arm.pk}#calendar")


@researcher_required("projects/researchers_only.html")
@require_POST
def save_version(request, pk: int):
    budget = _budget(request, pk, REQUEST)
    version = services.save_version(budget, by=request.user, note=request.POST.get("note", ""))
    messages.success(request, f"Version {version.number} is kept.")
    return redirect(budget.get_absolute_url() + "#versions")


def _download(content, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@researcher_required("projects/researchers_only.html")
@require_GET
def export_xlsx(request, pk: int):
    budget = _budget(request, pk)
    return _download(page_cache.cached_file(budget, "xlsx", lambda: exports.xlsx(selectors.sheet(budget))),
                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                     f"budget-{slugify(budget.title)[:60] or budget.pk}.xlsx")


@researcher_required("projects/researchers_only.html")
@require_GET
def export_csv(request, pk: int):
    budget = _budget(request, pk)
    return _download(page_cache.cached_file(budget, "csv", lambda: exports.csv_text(selectors.sheet(budget))),
                     "text/csv; charset=utf-8",
                     f"budget-{slugify(budget.title)[:60] or budget.pk}.csv")


@researcher_required("projects/researchers_only.html")
@require_GET
def print_view(request, pk: int):
    budget = _budget(request, pk)
    sheet = selectors.sheet(budget)
    return render(request, "budgets/print.html", {
        "budget": budget, "sheet": sheet, "calendars": [(arm, grid.calendar(sheet, arm, False)) for arm in sheet.arms],
    })


