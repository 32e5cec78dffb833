"""Staff-desk pages of cohorts: deciding on biobank access, and the exact matches of a cohort request."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from accounts.audit import record_access
from accounts.models import ProtectedAccess
from biobank import services as biobank_services
from biobank.models import Participant, RecontactRequest, Sample, SampleRequest
from common.workflow import InvalidTransition

from . import counting
from .forms import AccessDecisionForm
from .question import Question


def _render(model_admin, request, template: str, title: str, **context) -> TemplateResponse:
    return TemplateResponse(request, template, {
        **model_admin.admin_site.each_context(request), "opts": model_admin.model._meta, "title": title, **context})


def decide_access(model_admin, request, pk: int):
    if not model_admin.has_change_permission(request):
        raise PermissionDenied
    access = get_object_or_404(model_admin.model.objects.select_related("user"), pk=pk)
    form = AccessDecisionForm(request.POST or None, access=access)
    if request.method == "POST" and form.is_valid():
        try:
            from .services import move_access

            move_access(access, form.cleaned_data["to"], by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error("reason" if hasattr(error, "error_dict") else None,
                           error.error_dict.get("reason") if hasattr(error, "error_dict") else error)
        else:
            messages.success(request, f"Biobank access of {access.user} is now {access.get_status_display().lower()}.")
            return redirect(reverse("admin:cohorts_biobankaccess_change", args=[access.pk]))
    return _render(model_admin, request, "admin/cohorts/decide.html", f"Decide on {access}", original=access,
                   form=form)


REQUEST_MODELS = {SampleRequest.REFERENCE_PREFIX: SampleRequest, RecontactRequest.REFERENCE_PREFIX: RecontactRequest}


def request_matches(model_admin, request, reference: str):
    """The exact participants (and available samples) a cohort request stands for: staff only, audited."""
    if not (request.user.has_perm("biobank.change_samplerequest") and request.user.has_perm("biobank.view_participant")):
        raise PermissionDenied
    model = REQUEST_MODELS.get(reference.split("-", 1)[0])
    if model is None:
        raise PermissionDenied
    obj = get_object_or_404(model, reference=reference)
    cohort = obj.criteria.get("cohort") if isinstance(obj.criteria, dict) else None
    if not cohort:
        messages.info(request, f"{obj.reference} was not made from a saved cohort.")
        return redirect(reverse(f"admin:biobank_{model._meta.model_name}_change", args=[obj.pk]))
    question = Question.from_dict(cohort.get("question"))
    if model is RecontactRequest:
        question = question.with_sample(question.sample.__class__(**{**question.sample.as_dict(), "recontact": "yes"}))
    ids = counting.matching_participant_ids(question)
    people = Participant.objects.filter(pk__in=ids).order_by("biobank_id")
    page = Paginator(people, 100).get_page(request.GET.get("page"))
    samples = {}
    if model is SampleRequest:
        wanted = Sample.objects.filter(participant__in=list(page.object_list), status=Sample.Status.AVAILABLE)
        if question.sample.sample_type:
            wanted = wanted.filter(sample_type=question.sample.sample_type)
        for sample in wanted.order_by("barcode"):
            samples.setdefault(sample.participant_id, []).append(sample)
    if request.method == "POST" and model is SampleRequest and "reserve" in request.POST:
        barcodes = [s.barcode for batch in samples.values() for s in batch][:max(obj.samples_requested, 0)]
        try:
            reserved = biobank_services.reserve_samples(obj, by=request.user, barcodes=barcodes)
        except (InvalidTransition, ValidationError) as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"{reserved} sample(s) of the cohort reserved for {obj.reference}.")
        return redirect(request.path)
    record_access(request.user, list(page.object_list), ["ehr_match"], action=ProtectedAccess.Action.VIEW,
                  path=request.path)
    rows = [(p, samples.get(p.pk, [])) for p in page.object_list]
    return _render(model_admin, request, "admin/cohorts/request_matches.html", f"Cohort of {obj.reference}",
                   obj=obj, cohort=cohort, page=page, rows=rows, total=len(ids), is_samples=model is SampleRequest,
                   change_url=reverse(f"admin:biobank_{model._meta.model_name}_change", args=[obj.pk]))
