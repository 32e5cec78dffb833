from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.utils.translation import get_language
from django.views.decorators.http import require_http_methods, require_POST

from common.page_cache import person_page
from common.ratelimit import per_person

from . import person_pages, ratelimit, selectors, services
from .filters import DEFAULT_DISTANCE, DISTANCE_CHOICES, SORT_CHOICES
from .forms import InterestForm
from .models import Interest
from .study_page import study_page

SESSION_LAST_INQUIRY = "studies_last_inquiry"


# --- Public: the trial finder and study pages --------------------------------------------


def finder(request):
    result = selectors.finder(request.GET, request.GET.get("page"))
    # The default sort and distance are sent as "" so that a plain search keeps a short address.
    default_sort = "nearest" if result.place else "relevance"
    sort_choices = [("" if value == default_sort else value, label, value == result.sort) for value, label in SORT_CHOICES]
    return render(request, "studies/finder.html", {"finder": result, "form": result.filterset.form,
                                                   "sort_choices": sort_choices, "distance_choices": DISTANCE_CHOICES,
                                                   "default_distance": DEFAULT_DISTANCE})


def _initial_for(user) -> dict:
    if not user.is_authenticated:
        return {}
    return {"name": user.full_name, "email": user.email, "phone": user.phone}


@require_http_methods(["GET", "POST"])
@per_person("interest-person", limit=10)
def study_detail(request, pk: int):
    study = selectors.public_study(pk)
    if study is None:
        raise Http404("No such study")
    if study.is_closed:
        return render(request, "studies/closed.html", {"study": study}, status=410)
    questions = list(study.questions.all())
    form = InterestForm(study=study, questions=questions, initial=_initial_for(request.user))
    form_problem = ""
    if request.method == "POST" and study.accepts_inquiries:
        form = InterestForm(request.POST, study=study, questions=questions)
        ip = ratelimit.client_ip(request)
        if form.is_honeypot_tripped:
            ratelimit.count(ip=ip)
            form.clear_honeypot()
            form.is_valid()
            form_problem = gettext("Your message was not sent: part of the form looked as if it had been filled in "
                                   "automatically. Please check your answers and press Send again.")
        elif form.is_valid():
            data = form.cleaned_data
            contact = {"email": data["email"], "phone": data["phone"], "ip": ip}
            if not ratelimit.take(**contact):
                form_problem = gettext("We have received several messages from this address in the last hour, so "
                                       "this one was not sent. Please try again in an hour, or contact the study "
                                       "team directly using the details on this page.")
            else:
                try:
                    interest = services.submit_interest(
                        study=study, name=data["name"], email=data["email"], phone=data["phone"],
                        preferred_contact=data["preferred_contact"], best_time=data["best_time"],
                        answers=form.answers(), consent_to_contact=data["consent_to_contact"], user=request.user,
                        language=get_language(),
                    )
                except ValidationError as error:  # e.g. the study closed a moment ago
                    ratelimit.release(**contact)
                    form_problem = " ".join(error.messages)
                else:
                    request.session[SESSION_LAST_INQUIRY] = [study.pk, interest.reference]
                    return redirect("studies:thanks", pk=study.pk)
        if not form_problem:
            form_problem = gettext("Your message was not sent yet: please correct the answers marked below.")
    return render(request, "studies/detail.html", {"study": study, "page": study_page(study), "form": form,
                                                   "form_problem": form_problem,
                                                   "back_query": selectors.finder_query(request.GET),
                                                   "saved": selectors.is_saved(request.user, study)},
                  status=200 if not form_problem else 400)


def study_print(request, pk: int):
    """The study page to print: its text, every site and the contacts, without forms or menus."""
    study = selectors.public_study(pk)
    if study is None:
        raise Http404("No such study")
    return render(request, "studies/print.html", {"study": study, "page": study_page(study),
                                                  "study_url": request.build_absolute_uri(study.get_absolute_url())})


def thanks(request, pk: int):
    study = selectors.public_study(pk)
    last = request.session.get(SESSION_LAST_INQUIRY)
    if study is None or not last or last[0] != study.pk:
        return redirect("studies:finder")
    return render(request, "studies/thanks.html", {"study": study, "reference": last[1]})


# --- A person's saved studies and own inquiries ------------------------------------------


@login_required
def saved_studies(request):
    page = Paginator(selectors.saved_studies_of(request.user), 20).get_page(request.GET.get("page"))
    return render(request, "studies/saved.html", {"page": page})


@login_required
@require_POST
def save_study(request, pk: int):
    study = selectors.public_study(pk)
    if study is None:
        raise Http404("No such study")
    saved = request.POST.get("action") != "remove"
    services.set_saved(user=request.user, study=study, saved=saved)
    messages.success(request, gettext("Saved to your list of studies.") if saved else
                     gettext("Taken off your list of studies."))
    return redirect(study)


@login_required
@person_page(person_pages.MY_INQUIRIES, frozenset({"page"}))
def my_inquiries(request):
    page = Paginator(selectors.inquiries_of(request.user), 20).get_page(request.GET.get("page"))
    return render(request, "studies/my_inquiries.html", {"page": page, "withdrawable": {
        status for status in Interest.Status.values if Interest.Status.WITHDRAWN in Interest.MOVES[status]}})


@login_required
@require_POST
@per_person("interest-withdraw", limit=20)
def withdraw_inquiry(request, pk: int):
    interest = get_object_or_404(Interest, pk=pk, user=request.user)
    try:
        services.change_interest_status(interest, Interest.Status.WITHDRAWN, by=request.user,
                                        reason="Withdrawn by the person on the portal.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, gettext("Your inquiry %(reference)s is withdrawn. The study team will not contact "
                                          "you about it.") % {"reference": interest.reference})
    return redirect("studies:my_inquiries")
