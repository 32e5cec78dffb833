"""The cohort builder, saved cohorts, requests from a cohort, and the application for biobank access."""

from __future__ import annotations

import hashlib

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.backends import forget_on_change
from biobank import services as biobank_services
from common.page_cache import PageCache

from . import selectors, services
from .access import access_required, researcher_required
from .forms import (
    AccessForm,
    Builder,
    CohortRecontactRequestForm,
    CohortSampleRequestForm,
    SaveCohortForm,
    question_query,
)
from .models import BiobankAccess, CohortQueryLog, SavedCohort
from .question import Question

ACTIONS = ("count", "breakdown")
FORM_TIMEOUT = 600
# The builder's page of a question asked, per person: forgotten when their saved cohorts or their
# access change (``connect``); kept only while the data and their day of questions are unchanged.
PAGES = PageCache("cohorts:builder-pages", timeout=FORM_TIMEOUT)


def connect() -> None:
    forget_on_change(PAGES, (SavedCohort, BiobankAccess), "cohorts.builder-pages")


@access_required
@require_GET
def builder(request):
    data = request.GET.copy()
    action = next((a for a in ACTIONS if a in data), "")
    kind = CohortQueryLog.Kind.BREAKDOWN if action == "breakdown" else CohortQueryLog.Kind.COUNT
    key = None
    if action and PAGES.plain_get(request):
        # A question asked again: its page is served as drawn while the data and the person's day of
        # questions are unchanged (``services.ask_again`` checks both and logs the question).
        key = PAGES.page_key(request, request.user.pk, timezone.localdate().isoformat(), services.daily_budget())
        stored, version = PAGES.read(key)
        if stored is not None:
            response, kept = PAGES.respond(request, stored)
            if services.ask_again(request.user, **kept):
                return response
    for name in ACTIONS:
        data.pop(name, None)
    builder = Builder(data if request.GET else None)
    answer = question = None
    valid = bool(request.GET) and builder.is_valid()
    if valid:
        question = builder.question()
        if action and not builder.editing:
            answer = services.ask(request.user, question, kind=kind)
    state = question_query(question).urlencode() if question else ""
    response = render(request, "cohorts/builder.html", {
        "form_html": _builder_form(builder, data, kept=valid or not request.GET), "answer": answer,
        "question": question, "state": state,
        "described": question.describe(builder.names) if question and answer else [],
        "breakdown_rows": selectors.breakdown_rows(answer.cells if answer else None),
        "save_form": SaveCohortForm(initial={"state": state}), "cohorts": selectors.my_cohorts(request.user),
        "budget": services.daily_budget(),
    }, status=429 if answer and answer.refused else 200)
    if key is not None and answer is not None and not answer.refused:
        response.kept_with_page = {"digest": question.digest(kind), "kind": kind, "question": question.as_dict(),
                                   "shown": answer.as_shown(), "version": answer.version, "asked": answer.asked}
        PAGES.store(key, version, response)
    return response


def _builder_form(builder: Builder, data, *, kept: bool) -> str:
    """The builder's form drawn from its state: kept in the cache per state, language and the names of
    the chosen concepts (up to 64 criterion forms of 13 widgets each take longer to draw than the
    rest of the page). A form with errors or with concepts offered to choose from is drawn afresh."""
    def draw() -> str:
        return render_to_string("cohorts/_builder_form.html", {"builder": builder})

    if not kept or any(form.matches for _, _, rows in builder.groups for form in rows):
        return mark_safe(draw())  # nosec B308, B703: a template's output, escaped by it
    key = "cohorts:builder-form:" + hashlib.sha256(repr((
        translation.get_language(), sorted(data.lists()), sorted(builder.names.items()))).encode()).hexdigest()
    html = cache.get(key)
    if html is None:
        html = draw()
        cache.set(key, html, FORM_TIMEOUT)
    return mark_safe(html)  # nosec B308, B703: a template's output, escaped by it


@access_required(reading=lambda request: selectors.concept_search_entry(request.GET.get("q", "")))
@require_GET
def concept_search(request):
    """Concepts matching what is typed, as JSON for the builder's script (the answer to a term is
    kept until the next extract load, read in the round trip that reads the person's approval)."""
    body = selectors.concept_search_body(request.GET.get("q", ""), request.read_with_access)
    return HttpResponse(body, content_type="application/json")


@access_required
@require_POST
def save(request):
    form = SaveCohortForm(request.POST)
    state = QueryDict(request.POST.get("state", ""))
    builder = Builder(state)
    if form.is_valid() and builder.is_valid():
        try:
            cohort = services.save_cohort(request.user, name=form.cleaned_data["name"], question=builder.question())
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Cohort \"{cohort.name}\" saved.")
            return redirect("cohorts:saved")
    else:
        messages.error(request, "Give the cohort a name (up to 120 characters).")
    return redirect(f"{reverse('cohorts:builder')}?{state.urlencode()}")


@access_required
@require_GET
def saved(request):
    cohorts = [(c, selectors.described(Question.from_dict(c.question))) for c in selectors.my_cohorts(request.user)]
    return render(request, "cohorts/saved.html", {"cohorts": cohorts})


@access_required
@require_GET
def open_cohort(request, pk: int):
    cohort = get_object_or_404(SavedCohort, pk=pk, owner=request.user)
    return redirect(f"{reverse('cohorts:builder')}?{question_query(Question.from_dict(cohort.question)).urlencode()}")


@access_required
@require_POST
def delete_cohort(request, pk: int):
    cohort = get_object_or_404(SavedCohort, pk=pk, owner=request.user)
    cohort.delete()
    messages.success(request, f"Cohort \"{cohort.name}\" deleted.")
    return redirect("cohorts:saved")


def _cohort_payload(cohort: SavedCohort, question: Question) -> dict:
    return {"name": cohort.name, "question": question.as_dict(), "description": selectors.described(question)}


def _request(request, pk: int, form_class, kind: str, submit):
    cohort = get_object_or_404(SavedCohort, pk=pk, owner=request.user)
    question = Question.from_dict(cohort.question)
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            obj = submit(form.cleaned_data, question, _cohort_payload(cohort, question))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Your {kind} {obj.reference} was sent to the biobank, with the cohort "
                                      f"\"{cohort.name}\". You will get an email when there is news.")
            return redirect(obj.get_absolute_url())
    return render(request, "cohorts/request_form.html", {
        "form": form, "kind": kind, "cohort": cohort, "described": selectors.described(question)})


@access_required
@require_http_methods(["GET", "POST"])
def request_samples(request, pk: int):
    def submit(data, question, payload):
        return biobank_services.submit_sample_request(
            request.user, irb_protocol=data["irb_protocol"], title=data["title"], criteria=question.sample,
            samples_requested=data["samples_requested"], purpose=data["purpose"], cohort=payload)

    return _request(request, pk, CohortSampleRequestForm, "sample request", submit)


@access_required
@require_http_methods(["GET", "POST"])
def request_recontact(request, pk: int):
    def submit(data, question, payload):
        return biobank_services.submit_recontact_request(
            request.user, irb_protocol=data["irb_protocol"], title=data["title"], criteria=question.sample,
            participants_requested=data["participants_requested"], message=data["message"], cohort=payload)

    return _request(request, pk, CohortRecontactRequestForm, "re-contact request", submit)


# --- Access -----------------------------------------------------------------------------------

@researcher_required
@require_http_methods(["GET", "POST"])
def access(request):
    current = selectors.my_access(request.user)
    form = AccessForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.apply_for_access(request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Application sent. Confirm your email address with the link we emailed you; "
                                      "biobank staff then review your application.")
            return redirect("cohorts:access")
    return render(request, "cohorts/access.html", {"form": form, "access": current})


@require_GET
def verify_email(request, token: str):
    try:
        services.verify_email(token)
    except ValidationError as error:
        return render(request, "cohorts/verified.html", {"error": " ".join(error.messages)}, status=400)
    return render(request, "cohorts/verified.html", {})
