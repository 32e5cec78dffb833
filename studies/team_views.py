"""The study team's pages: their studies, one study's inquiries, one inquiry with notes and history.

Contact details and notes are protected: every page that shows them writes who saw which record
(``accounts.audit.record_access``), and no message, email or log line repeats them.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from accounts.audit import record_access, record_access_by_id
from common.page_cache import person_page, serve_person
from common.ratelimit import per_person

from . import person_pages, selectors, services, team_rows
from .filters import InterestListFilter
from .forms import MoveForm, NoteForm, TeamStudySearchForm, move_choices
from .models import Interest, Study

CONTACT_FIELDS = ["name", "email", "phone"]
NOTE_FIELDS = ["text"]


def _require_team_pages(user) -> None:
    if not selectors.can_use_team_pages(user):
        raise PermissionDenied("The study team pages are for members of a study team.")


@login_required
@person_page(person_pages.TEAM_STUDIES, frozenset({"q", "sort", "page"}),
             check=lambda request: _require_team_pages(request.user))
def team_index(request):
    search_form = TeamStudySearchForm(request.GET)
    search, sort = search_form.search()
    page = Paginator(selectors.team_studies(request.user, search=search, sort=sort), 20).get_page(
        request.GET.get("page"))
    for study in page:
        study.funnel = selectors.funnel(study)
    return render(request, "studies/team_index.html", {"page": page, "search_form": search_form, "search": search})


@login_required
def team_study(request, pk: int):
    """One study's inquiries with their contact details: kept sealed in the cache until they change,
    and every view written to the audit trail, from the cache or not."""
    _require_team_pages(request.user)

    def shown_again(ids):
        if ids:
            record_access_by_id(request.user, [(Interest._meta.label, interest_id) for interest_id in ids],
                                CONTACT_FIELDS, path=request.path)

    return serve_person(person_pages.TEAM_STUDY, request, lambda: _team_study(request, pk),
                        frozenset({"status", "received", "page"}), (pk,), on_hit=shown_again)


def _team_study(request, pk: int):
    study = get_object_or_404(selectors.team_studies(request.user), pk=pk)
    filterset = InterestListFilter(request.GET, queryset=selectors.team_interests(study))
    page = Paginator(filterset.qs, 25).get_page(request.GET.get("page"))
    rows = [(interest, move_choices(interest)) for interest in page]
    if rows:
        record_access(request.user, page.object_list, CONTACT_FIELDS, path=request.path)
    response = render(request, "studies/team_study.html", {
        "study": study, "funnel": selectors.funnel(study), "filter": filterset, "page": page, "rows": rows,
        "rows_html": team_rows.render_rows(request, rows, timezone.now()),
    })
    response.kept_with_page = [interest.pk for interest, _ in rows]
    return response


@login_required
@require_http_methods(["GET", "POST"])
@per_person("team-note", limit=300)
def team_inquiry(request, pk: int):
    """One inquiry: contact details, answers, status and move, the status history and the team's notes."""
    _require_team_pages(request.user)
    interest = selectors.team_interest(request.user, pk)
    if interest is None:
        raise Http404("No such inquiry on your studies")
    note_form = NoteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and note_form.is_valid():
        try:
            services.add_note(interest=interest, author=request.user, text=note_form.cleaned_data["text"])
        except ValidationError as error:
            note_form.add_error("text", error.message_dict.get("text", error.messages))
        else:
            messages.success(request, f"Your note on {interest.reference} is saved.")
            return redirect("studies:team_inquiry", pk=interest.pk)
    notes = list(interest.notes.all())
    record_access(request.user, interest, CONTACT_FIELDS, path=request.path)
    if notes:
        record_access(request.user, notes, NOTE_FIELDS, path=request.path)
    return render(request, "studies/team_inquiry.html", {
        "interest": interest, "study": interest.study, "notes": notes, "note_form": note_form,
        "history": list(interest.status_changes.all()),
        "move": MoveForm(interest=interest, auto_id=f"id_move_{interest.pk}_%s"), "now": timezone.now(),
    }, status=400 if note_form.errors else 200)


@login_required
@require_POST
@per_person("team-move", limit=300)
def team_move(request, pk: int):
    _require_team_pages(request.user)
    interest = get_object_or_404(Interest.objects.filter(study__in=Study.objects.for_team(request.user))
                                 .select_related("study"), pk=pk)
    form = MoveForm(request.POST, interest=interest)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("studies:team_study", args=[interest.study_id])
    if not form.is_valid():
        messages.error(request, f"{interest.reference}: " + " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(back)
    try:
        services.change_interest_status(interest, form.cleaned_data["to"], by=request.user,
                                        reason=form.cleaned_data["reason"])
    except ValidationError as error:
        messages.error(request, f"{interest.reference}: " + " ".join(error.messages))
    else:
        messages.success(request, f"{interest.reference} is now {interest.get_status_display().lower()}.")
    return redirect(back)
