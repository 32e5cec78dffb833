"""The staff desk's own pages: MRN reveal, withdrawal, request review and fulfilment, imports.

Each page is reached through its ModelAdmin (``admin_site.admin_view``: staff sign-in) and
checks its own permission, so a staff member of another role gets 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from accounts.audit import record_access
from accounts.models import ProtectedAccess
from common.csv_export import csv_response
from common.workflow import InvalidTransition

from . import importer, selectors, services
from .criteria import CohortCriteria
from .forms import ImportUploadForm, RequestMoveForm, ReserveForm, SelectParticipantsForm, WithdrawalForm
from .models import ImportJob, Participant, RecontactRequest, Sample, SampleRequest
from .tasks import run_import_job

# Uploads larger than this run in the background, with a progress page (about 2,000 rows).
BACKGROUND_BYTES = 200 * 1024


def _require(request, *permissions: str) -> None:
    if not all(request.user.has_perm(p) for p in permissions):
        raise PermissionDenied


def _render(model_admin, request, template: str, title: str, **context) -> TemplateResponse:
    return TemplateResponse(request, template, {
        **model_admin.admin_site.each_context(request), "opts": model_admin.model._meta, "title": title, **context,
    })


def _change_url(obj) -> str:
    return reverse(f"admin:biobank_{obj._meta.model_name}_change", args=[obj.pk])


def _form_error(form, error: ValidationError) -> None:
    """Put a service's error on the form's field when it has one, else above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


# --- Participants ---------------------------------------------------------------------------

def reveal_mrn(model_admin, request, pk: int):
    """GET asks; POST shows the MRN once and logs the view. Never cached."""
    _require(request, "biobank.view_participant", "biobank.reveal_mrn")
    if request.method not in ("GET", "POST"):
        raise PermissionDenied
    participant = get_object_or_404(Participant, pk=pk)
    mrn = None
    if request.method == "POST":
        record_access(request.user, participant, ["mrn"], action=ProtectedAccess.Action.REVEAL, path=request.path)
        mrn = participant.reveal_mrn()
    response = _render(model_admin, request, "admin/biobank/participant/reveal_mrn.html",
                       f"MRN of {participant.biobank_id}", original=participant, mrn=mrn,
                       change_url=_change_url(participant))
    response["Cache-Control"] = "no-store"
    return response


def record_withdrawal(model_admin, request, pk: int):
    _require(request, "biobank.change_participant", "biobank.change_sample")
    participant = get_object_or_404(Participant, pk=pk)
    if participant.withdrawn_on:
        messages.info(request, f"{participant.biobank_id} withdrew on {participant.withdrawn_on:%d %b %Y}.")
        return redirect(_change_url(participant))
    form = WithdrawalForm(request.POST or None, initial={"withdrawn_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            withdrawal = services.withdraw_participant(participant, by=request.user, reason=form.cleaned_data["reason"],
                                                       when=form.cleaned_data["withdrawn_on"])
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, (
                f"Withdrawal of {participant.biobank_id} recorded: {withdrawal.samples_made_unavailable} sample(s) "
                f"made unavailable, {withdrawal.reservations_released} reservation(s) released, "
                f"{withdrawal.recontacts_cancelled} pending re-contact(s) cancelled."))
            return redirect(_change_url(participant))
    in_use = participant.samples.aggregate(
        available=Count("pk", filter=Q(status=Sample.Status.AVAILABLE)),
        reserved=Count("pk", filter=Q(status=Sample.Status.RESERVED)))
    return _render(model_admin, request, "admin/biobank/participant/withdraw.html",
                   f"Record the withdrawal of {participant.biobank_id}", original=participant, form=form,
                   in_use=in_use, change_url=_change_url(participant))


# --- Requests -------------------------------------------------------------------------------

def move_request(model_admin, request, pk: int):
    if not model_admin.can_act(request):
        raise PermissionDenied
    obj = get_object_or_404(model_admin.model.objects.select_related("researcher"), pk=pk)
    form = RequestMoveForm(request.POST or None, request_obj=obj)
    if request.method == "POST" and form.is_valid():
        try:
            services.move_request(obj, form.cleaned_data["to"], by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, f"{obj.reference} is now {obj.get_status_display().lower()}; the researcher "
                                      "was told there is news.")
            return redirect(_change_url(obj))
    return _render(model_admin, request, "admin/biobank/request_move.html", f"Move {obj.reference}",
                   original=obj, form=form, change_url=_change_url(obj))


def fulfil_sample_request(model_admin, request, pk: int):
    if not (model_admin.can_act(request) and request.user.has_perm("biobank.change_sample")):
        raise PermissionDenied
    obj = get_object_or_404(SampleRequest.objects.select_related("researcher"), pk=pk)
    form = ReserveForm(request.POST if "reserve" in request.POST else None)
    if request.method == "POST":
        try:
            if "distribute" in request.POST:
                moved = services.distribute_samples(obj, by=request.user)
                messages.success(request, f"{moved} sample(s) marked distributed; {obj.reference} is fulfilled.")
                return redirect(_change_url(obj))
            if form.is_valid():
                reserved = services.reserve_samples(obj, by=request.user, count=form.cleaned_data["count"],
                                                    barcodes=form.cleaned_data["barcodes"])
                messages.success(request, f"{reserved} sample(s) reserved for {obj.reference}.")
                return redirect(request.path)
        except InvalidTransition as error:
            messages.error(request, " ".join(error.messages))
        except ValidationError as error:
            _form_error(form, error)
    criteria = CohortCriteria.from_dict(obj.criteria)
    counts = obj.samples.aggregate(reserved=Count("pk", filter=Q(status=Sample.Status.RESERVED)),
                                   distributed=Count("pk", filter=Q(status=Sample.Status.DISTRIBUTED)))
    reserved = (obj.samples.filter(status__in=[Sample.Status.RESERVED, Sample.Status.DISTRIBUTED])
                .select_related("participant", "box__parent__parent").order_by(*Sample.PICK_ORDER))
    return _render(model_admin, request, "admin/biobank/samplerequest/fulfil.html", f"Fulfil {obj.reference}",
                   original=obj, form=form, criteria=criteria.describe(),
                   matching=selectors.offerable_samples(criteria).count(), counts=counts,
                   page=Paginator(reserved, 100).get_page(request.GET.get("page")), change_url=_change_url(obj),
                   missing=max(obj.samples_requested - counts["reserved"] - counts["distributed"], 0))


def recontact_contacts(model_admin, request, pk: int):
    if not model_admin.can_act(request):
        raise PermissionDenied
    obj = get_object_or_404(RecontactRequest.objects.select_related("researcher"), pk=pk)
    form = SelectParticipantsForm(request.POST if "select" in request.POST else None)
    if request.method == "POST":
        try:
            if "complete" in request.POST:
                services.move_request(obj, RecontactRequest.Status.COMPLETED, by=request.user,
                                      reason="Participants contacted")
                messages.success(request, f"{obj.reference} is completed: the participants were contacted.")
                return redirect(_change_url(obj))
            if form.is_valid():
                selected = services.select_recontact_participants(obj, by=request.user,
                                                                  count=form.cleaned_data["count"])
                messages.success(request, f"{selected} participant(s) selected to contact for {obj.reference}.")
                return redirect(request.path)
        except InvalidTransition as error:
            messages.error(request, " ".join(error.messages))
        except ValidationError as error:
            _form_error(form, error)
    criteria = CohortCriteria.from_dict(obj.criteria)
    selections = obj.selections.select_related("participant").order_by("participant__biobank_id")
    return _render(model_admin, request, "admin/biobank/recontactrequest/contacts.html",
                   f"Contacts for {obj.reference}",
                   original=obj, form=form, criteria=criteria.describe_participants(),
                   matching=selectors.recontact_count(criteria), selected=selections.count(),
                   page=Paginator(selections, 100).get_page(request.GET.get("page")), change_url=_change_url(obj),
                   can_export=request.user.has_perm("biobank.reveal_mrn"))


def recontact_contact_list(model_admin, request, pk: int):
    """The contact list (biobank id, MRN) to look people up in the health record: an export, logged."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not (model_admin.can_act(request) and request.user.has_perm("biobank.reveal_mrn")):
        raise PermissionDenied
    obj = get_object_or_404(RecontactRequest, pk=pk, status=RecontactRequest.Status.CONTACTING)
    participants = [s.participant for s in obj.selections.select_related("participant")
                    .filter(participant__withdrawn_on__isnull=True, participant__consent_recontact=True)
                    .order_by("participant__biobank_id")]
    record_access(request.user, participants, ["mrn"], action=ProtectedAccess.Action.EXPORT, path=request.path)
    return csv_response(["biobank_id", "mrn"], ([p.biobank_id, p.reveal_mrn()] for p in participants),
                        f"{obj.reference}-contacts.csv")


# --- Imports --------------------------------------------------------------------------------

IMPORT_COLUMNS = {
    ImportJob.Kind.PARTICIPANTS: (importer.PARTICIPANTS.required, importer.PARTICIPANTS.optional),
    ImportJob.Kind.SAMPLES: (importer.SAMPLES.required, importer.SAMPLES.optional),
}
KIND_PERMISSION = {ImportJob.Kind.PARTICIPANTS: "biobank.add_participant", ImportJob.Kind.SAMPLES: "biobank.add_sample"}


def import_upload(model_admin, request):
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    form = ImportUploadForm(request.POST or None, request.FILES or None,
                            initial={"kind": request.GET.get("kind", ImportJob.Kind.SAMPLES)})
    if request.method == "POST" and form.is_valid():
        kind, upload = form.cleaned_data["kind"], form.cleaned_data["file"]
        _require(request, KIND_PERMISSION[kind])
        job = ImportJob.objects.create(kind=kind, file_name=upload.name[:255], upload=upload, created_by=request.user)
        if upload.size <= BACKGROUND_BYTES:
            importer.run_stored_job(job.pk)
        else:
            run_import_job.delay(job.pk)
        return redirect(reverse("admin:biobank_importjob_change", args=[job.pk]))
    recent = ImportJob.objects.select_related("created_by").order_by("-created_at")[:5]
    return _render(model_admin, request, "admin/biobank/importjob/upload.html", "Import participants or samples",
                   form=form, columns=IMPORT_COLUMNS, recent=recent)


def import_job_detail(model_admin, request, object_id):
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    job = get_object_or_404(ImportJob.objects.select_related("created_by"), pk=object_id)
    return _render(model_admin, request, "admin/biobank/importjob/detail.html", str(job), job=job,
                   progress=importer.job_progress(job),
                   changelist=reverse(f"admin:biobank_{'participant' if job.kind == 'participants' else 'sample'}"
                                      "_changelist"))
