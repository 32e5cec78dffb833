"""Researcher pages: file a request, follow it, talk with the consultant, withdraw it."""

from __future__ import annotations


from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.decorators import researcher_required
from centers.models import Service
from common import ratelimit
from common.page_cache import person_page

from . import follow_up, page_cache, selectors, services
from .attachments import MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, MEGABYTE
from .forms import ConsultationRequestForm, MessageForm, MoreServicesFormSet, SurveyForm, WithdrawForm
from .models import ConsultationRequest
from .quotes import Wanted, total

PAGE_SIZE = 20


def _own_request(request, reference: str) -> ConsultationRequest:
    """The signed-in researcher's request; anyone else's is a 404."""
    return get_object_or_404(ConsultationRequest.objects.select_related("service", "center", "assignee"),
                             reference=reference, requester=request.user)


def _visible_request(request, reference: str) -> ConsultationRequest:
    """A request the researcher filed or that their project's team may read; any other is a 404."""
    return get_object_or_404(selectors.researcher_visible(request.user)
                             .select_related("service", "center", "assignee", "project"), reference=reference)


@researcher_required("consultations/researchers_only.html")
@require_GET
def index(request):
    return redirect("consultations:mine")


# Five files at the limit plus the text fields: anything larger is refused before it is read.
MAX_REQUEST_BYTES = MAX_ATTACHMENTS * MAX_ATTACHMENT_BYTES + 1024 * 1024


def _declared_length(request) -> int:
    """The Content-Length the client sent; one that is not a number counts as none (as Django reads it)."""
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


@researcher_required("consultations/researchers_only.html")
@require_http_methods(["GET", "POST"])
@ratelimit.per_person("consultation-new", limit=10)
def new_request(request):
    if request.method == "POST" and _declared_length(request) > MAX_REQUEST_BYTES:
        too_large = (f"The files were too large to receive: attach at most {MAX_ATTACHMENTS} files of "
                     f"{MAX_ATTACHMENT_BYTES // MEGABYTE} MB each, and send the form again.")
        return render(request, "consultations/request_form.html",
                      {"form": ConsultationRequestForm(user=request.user), "more": MoreServicesFormSet(prefix="more"),
                       "too_large": too_large}, status=413)
    draft = _own_draft(request, request.POST.get("draft") or request.GET.get("draft"))
    if request.method == "POST" and "save_draft" in request.POST:
        try:
            draft = follow_up.save_draft(requester=request.user, post=request.POST, draft=draft)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Your draft is saved. Find it under My consultation requests; we remind you "
                                      "once if it is still unsent in a week.")
            return redirect("consultations:mine")
    if request.method == "POST":
        form = ConsultationRequestForm(request.POST, request.FILES, user=request.user)
        service_id = request.POST.get("service", "")
        first = Service.objects.filter(pk=int(service_id)).first() if service_id.isdigit() and len(service_id) < 10 \
            else None
        # A form sent without the other services' rows (an older page, a script) asks for one service.
        more = MoreServicesFormSet(request.POST if "more-TOTAL_FORMS" in request.POST else None, prefix="more",
                                   first_service=first)
        if form.is_valid() and (not more.is_bound or more.is_valid()):
            data = dict(form.cleaned_data)
            uploads = data.pop("attachments")
            wanted = [Wanted(service, quantity) for service, quantity in more.wanted()] if more.is_bound else []
            try:
                consultation = services.submit_request(requester=request.user, uploads=uploads, more=wanted, **data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                if draft is not None:
                    draft.delete()
                messages.success(request, f"Thank you. Your request {consultation.reference} was sent; "
                                          "we reply within two working days.")
                return redirect(consultation)
        if request.FILES:
            form.add_error("attachments", "Files are not kept when the form has errors: "
                                          "choose them again.")
        if more.is_bound and more.total_error_count() and not form.errors:
            form.add_error(None, "Check the other services: see the messages under them.")
    elif draft is not None:
        form = ConsultationRequestForm(draft.data, user=request.user)
        more = MoreServicesFormSet(draft.data if "more-TOTAL_FORMS" in draft.data else None, prefix="more")
    else:
        initial = {}
        service = Service.objects.filter(slug=request.GET.get("service", "")[:200], active=True).first()
        if service:
            initial["service"] = service.pk
        if request.GET.get("project", "").isdigit():
            initial["project"] = int(request.GET["project"])
        form = ConsultationRequestForm(initial=initial, user=request.user)
        more = MoreServicesFormSet(prefix="more")
    return render(request, "consultations/request_form.html", {"form": form, "more": more, "draft": draft})


def _own_draft(request, draft_id):
    if not (draft_id or "").isdigit() or len(draft_id) > 9:
        return None
    return selectors.drafts_of(request.user).filter(pk=int(draft_id)).first()


@researcher_required("consultations/researchers_only.html")
@require_GET
@person_page(page_cache.MINE, frozenset({"page"}))
def my_requests(request):
    page = Paginator(selectors.requests_of(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "consultations/my_requests.html", {"page": page,
                                                              "drafts": selectors.drafts_of(request.user)})


@researcher_required("consultations/researchers_only.html")
@require_POST
def delete_draft(request, pk: int):
    get_object_or_404(selectors.drafts_of(request.user), pk=pk).delete()
    messages.success(request, "The draft is deleted.")
    return redirect("consultations:mine")


@researcher_required("consultations/researchers_only.html")
@require_http_methods(["GET", "POST"])
def survey(request, reference: str):
    consultation = _own_request(request, reference)
    answered = getattr(consultation, "survey", None)  # None until answered
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and answered is None and form.is_valid():
        try:
            follow_up.answer_survey(consultation, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Thank you: your answer helps the division improve.")
            return redirect(consultation)
    return render(request, "consultations/survey.html", {"consultation": consultation, "form": form,
                                                         "answered": answered})


@researcher_required("consultations/researchers_only.html")
@require_http_methods(["GET", "POST"])
@ratelimit.per_person("consultation-message", limit=30)
def detail(request, reference: str):
    consultation = _visible_request(request, reference)
    may_write = selectors.may_write(request.user, consultation)
    form = MessageForm(request.POST or None)
    if request.method == "POST" and not may_write:
        form.add_error(None, "You may read this request but not write on it: ask an editor of the project "
                             "for “request” rights.")
    elif request.method == "POST" and form.is_valid():
        try:
            services.post_message(consultation, author=request.user, body=form.cleaned_data["body"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Your message was sent. We will email you when the consultant replies.")
            return redirect(consultation.get_absolute_url() + "#messages")
    lines = list(selectors.lines_of(consultation))
    estimate, unpriced = total(lines)
    return render(request, "consultations/detail.html", {
        "consultation": consultation, "lines": lines, "estimate": estimate, "unpriced": unpriced,
        "history": selectors.status_history(consultation),
        "thread": selectors.researcher_thread(consultation),
        "attachments": consultation.attachments.all(),
        "form": form, "may_write": may_write,
    })


@researcher_required("consultations/researchers_only.html")
@require_http_methods(["GET", "POST"])
@ratelimit.per_person("consultation-withdraw", limit=20)
def withdraw(request, reference: str):
    consultation = _own_request(request, reference)
    if consultation.is_closed:
        messages.info(request, f"{consultation.reference} is already {consultation.get_status_display().lower()}.")
        return redirect(consultation)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.withdraw(consultation, by=request.user, note=form.cleaned_data["note"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"{consultation.reference} was withdrawn.")
        return redirect(consultation)
    return render(request, "consultations/withdraw.html", {"consultation": consultation, "form": form})


@login_required
@require_GET
def download_attachment(request, pk: int):
    """Stream an attachment to someone who may see its request; never served as a static file."""
    attachment = selectors.downloadable_attachment(request.user, pk)
    if attachment is None:
        raise Http404("No such attachment.")
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404("The file is missing.") from None
    response = FileResponse(handle, as_attachment=True, filename=attachment.original_name,
                            content_type=attachment.content_type)
    response["Cache-Control"] = "private, no-store"
    return response
