"""Researcher pages: my projects, a project with its team, joining a team and answering those who ask."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.decorators import researcher_required

from . import selectors, services
from .forms import AccessRequestForm, FindForm, MemberChangeForm, MemberForm, ProjectForm
from .models import AccessStatus, Project, Rights


REFUSAL = "projects/researchers_only.html"


def _project(request, pk: int, needed: str = Rights.VIEW) -> Project:
    """The project if the signed-in person is on its team with ``needed`` rights; otherwise a 404."""
    project = selectors.visible_project(request.user, pk, needed)
    if project is None:
        raise Http404("No such project.")
    return project


def _errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, problems in error.message_dict.items():
            form.add_error(field if field in form.fields else None, problems)
    else:
        form.add_error(None, error)


@researcher_required(REFUSAL)
@require_GET
def mine(request):
    return render(request, "projects/mine.html", {
        "projects": selectors.projects_of(request.user),
        "asked": selectors.my_access_requests(request.user).filter(status=AccessStatus.PENDING),
    })


@researcher_required(REFUSAL)
@require_http_methods(["GET", "POST"])
def new(request):
    form = ProjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.create_project(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(request, f"“{project}” is created. Add your team below.")
            return redirect(project)
    return render(request, "projects/form.html", {"form": form, "title": "A new project"})


@researcher_required(REFUSAL)
@require_GET
def detail(request, pk: int):
    project = _project(request, pk)
    can_edit = project.my_rights == Rights.EDIT
    return render(request, "projects/detail.html", {
        "project": project, "team": selectors.team(project), "can_edit": can_edit,
        "can_request": project.my_rights in (Rights.REQUEST, Rights.EDIT),
        "pending": selectors.pending_access(project) if can_edit else [],
        "requests": project.consultation_requests.select_related("service").order_by("-submitted_at")[:50],
        "budgets": project.budgets.order_by("title"),
        "member_form": MemberForm() if can_edit else None, "rights": Rights.choices,
        "roles": MemberChangeForm.base_fields["role"].choices,
    })


@researcher_required(REFUSAL)
@require_http_methods(["GET", "POST"])
def edit(request, pk: int):
    project = _project(request, pk, Rights.EDIT)
    form = ProjectForm(request.POST or None, instance=project, creating=False)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in services.PROJECT_FIELDS}
        project.refresh_from_db()
        try:
            services.update_project(project, by=request.user, **fields)
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(request, "The project is saved.")
            return redirect(project)
    return render(request, "projects/form.html", {"form": form, "title": f"Edit “{project}”", "project": project})


@researcher_required(REFUSAL)
@require_http_methods(["GET", "POST"])
def add_member(request, pk: int):
    project = _project(request, pk, Rights.EDIT)
    form = MemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            member = services.add_member(project, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(request, f"{member.user} is on the team.")
            return redirect(project.get_absolute_url() + "#team")
    return render(request, "projects/form.html", {"form": form, "title": f"Add to the team of “{project}”",
                                                  "project": project})


@researcher_required(REFUSAL)
@require_POST
def member(request, pk: int, member_id: int):
    project = _project(request, pk, Rights.EDIT)
    target = selectors.member_matching(project, member_id)
    if target is None:
        raise Http404("No such team member.")
    try:
        if "remove" in request.POST:
            services.remove_member(target, by=request.user)
            messages.success(request, f"{target.user} is no longer on the team.")
        else:
            form = MemberChangeForm(request.POST)
            if not form.is_valid():
                raise ValidationError("Choose a role and rights from the lists.")
            services.change_member(target, by=request.user, **form.cleaned_data)
            messages.success(request, f"{target.user}'s role and rights are saved.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(project.get_absolute_url() + "#team")


@researcher_required(REFUSAL)
@require_GET
def find(request):
    form = FindForm(request.GET or None)
    found = selectors.find_by_irb(form.cleaned_data["irb"]) if form.is_valid() else None
    mine = set(selectors.projects_of(request.user).values_list("pk", flat=True)) if found else set()
    return render(request, "projects/find.html", {"form": form, "found": found, "mine": mine})


@researcher_required(REFUSAL)
@require_http_methods(["GET", "POST"])
def ask(request, pk: int):
    project = get_object_or_404(Project.objects.select_related("pi"), pk=pk)
    if selectors.may(request.user, project.pk, Rights.VIEW):
        return redirect(project)
    waiting = selectors.open_access_request(request.user, project)
    form = AccessRequestForm(request.POST or None)
    if request.method == "POST" and waiting is None and form.is_valid():
        try:
            services.ask_access(project, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(request, "Your request was sent. The project's team will answer; we email you then.")
            return redirect("projects:mine")
    return render(request, "projects/ask.html", {"project": project, "form": form, "waiting": waiting})


@researcher_required(REFUSAL)
@require_POST
def answer(request, access_id: int):
    """Grant or refuse a request to join (editors), or withdraw one's own."""
    if request.POST.get("answer") == AccessStatus.WITHDRAWN:
        access = get_object_or_404(selectors.my_access_requests(request.user), pk=access_id,
                                   status=AccessStatus.PENDING)
    else:
        access = selectors.editable_access_request(request.user, access_id)
        if access is None:
            raise Http404("No such request to join.")
    to_status = request.POST.get("answer", "")
    rights = request.POST.get("rights") if request.POST.get("rights") in Rights.values else None
    try:
        services.decide_access(access, to_status, by=request.user, rights=rights)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, f"The request of {access.user} is {access.get_status_display().lower()}.")
    if to_status == AccessStatus.WITHDRAWN:
        return redirect("projects:mine")
    return redirect(access.project.get_absolute_url() + "#access")
