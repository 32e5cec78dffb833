"""Researchers' pages: cohort counts, requests for samples or re-contact, and their status."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accounts.decorators import researcher_required
from common import ratelimit
from common.page_cache import person_page

from . import page_cache, selectors, services
from .criteria import CohortCriteria
from .forms import RecontactRequestForm, SampleRequestForm
from .models import RecontactRequest, SampleRequest


@researcher_required("biobank/researchers_only.html")
def cohort(request):
    """The cohort counts moved to the cohort builder (cohorts app), which protects every count;
    old links keep their sample criteria."""
    query = CohortCriteria.from_query(request.GET).as_link_query()
    if query:
        query["count"] = "1"
    return redirect(f"{reverse('cohorts:builder')}{'?' + urlencode(query, doseq=True) if query else ''}")


def _new_request(request, form_class, submit, template: str, kind: str):
    if request.method == "POST":
        form = form_class(request.POST)
    else:
        form = form_class(initial=CohortCriteria.from_query(request.GET).as_initial())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            obj = submit(request.user, form, data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Your {kind} {obj.reference} was sent to the biobank. You will get an "
                                      "email when there is news.")
            return redirect(obj.get_absolute_url())
    return render(request, template, {"form": form, "kind": kind})


@researcher_required("biobank/researchers_only.html")
@require_http_methods(["GET", "POST"])
@ratelimit.per_person("biobank-sample-request", limit=10)
def new_sample_request(request):
    def submit(user, form, data):
        return services.submit_sample_request(
            user, irb_protocol=data["irb_protocol"], title=data["title"], criteria=form.criteria(),
            samples_requested=data["samples_requested"], purpose=data["purpose"])

    return _new_request(request, SampleRequestForm, submit, "biobank/request_form.html", "sample request")


@researcher_required("biobank/researchers_only.html")
@require_http_methods(["GET", "POST"])
@ratelimit.per_person("biobank-recontact-request", limit=10)
def new_recontact_request(request):
    def submit(user, form, data):
        return services.submit_recontact_request(
            user, irb_protocol=data["irb_protocol"], title=data["title"], criteria=form.criteria(),
            participants_requested=data["participants_requested"], message=data["message"])

    return _new_request(request, RecontactRequestForm, submit, "biobank/request_form.html",
                        "re-contact request")


@researcher_required("biobank/researchers_only.html")
@person_page(page_cache.MINE, frozenset({"page", "recontact_page"}))
def my_requests(request):
    sample_page = Paginator(selectors.my_sample_requests(request.user), 20).get_page(request.GET.get("page"))
    recontact_page = Paginator(selectors.my_recontact_requests(request.user), 20).get_page(
        request.GET.get("recontact_page"))
    return render(request, "biobank/my_requests.html", {"sample_page": sample_page, "recontact_page": recontact_page})


@researcher_required("biobank/researchers_only.html")
def sample_request_detail(request, reference: str):
    obj = get_object_or_404(SampleRequest, reference=reference, researcher=request.user)
    distributed = obj.samples.filter(status="distributed").count() if obj.status == obj.Status.FULFILLED else None
    return render(request, "biobank/request_detail.html", {
        "obj": obj, "kind": "sample request", "criteria": CohortCriteria.from_dict(obj.criteria).describe(),
        "timeline": selectors.status_timeline(obj), "distributed": distributed,
        "withdraw_url": "biobank:withdraw_sample_request",
        # Orders exist only once samples are reserved.
        "orders": list(obj.orders.exclude(status="cancelled").only("reference", "status"))
        if obj.status in (obj.Status.FULFILLING, obj.Status.FULFILLED) else [],
    })


@researcher_required("biobank/researchers_only.html")
def recontact_request_detail(request, reference: str):
    obj = get_object_or_404(RecontactRequest, reference=reference, researcher=request.user)
    return render(request, "biobank/request_detail.html", {
        "obj": obj, "kind": "re-contact request",
        "criteria": CohortCriteria.from_dict(obj.criteria).describe_participants(),
        "timeline": selectors.status_timeline(obj), "withdraw_url": "biobank:withdraw_recontact_request",
    })


def _withdraw(request, model, reference: str):
    obj = get_object_or_404(model, reference=reference, researcher=request.user)
    if request.method == "GET":
        return render(request, "biobank/withdraw.html", {"obj": obj})
    try:
        services.move_request(obj, model.Status.WITHDRAWN, by=request.user, reason="Withdrawn by the researcher")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"You withdrew {obj.reference}.")
    return redirect(obj.get_absolute_url())


@researcher_required("biobank/researchers_only.html")
@require_http_methods(["GET", "POST"])
@ratelimit.per_person("biobank-withdraw", limit=20)
def withdraw_sample_request(request, reference: str):
    return _withdraw(request, SampleRequest, reference)


@researcher_required("biobank/researchers_only.html")
@require_http_methods(["GET", "POST"])
@ratelimit.per_person("biobank-withdraw", limit=20)
def withdraw_recontact_request(request, reference: str):
    return _withdraw(request, RecontactRequest, reference)
