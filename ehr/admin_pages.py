"""The staff desk's EHR pages: upload an extract, follow its load."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from .forms import ExtractUploadForm
from .loader import jobs
from .models import EhrImport
from .tasks import run_ehr_import

# Uploads larger than this load in the background, with a progress page.
BACKGROUND_BYTES = 512 * 1024


def _render(model_admin, request, template: str, title: str, **context) -> TemplateResponse:
    return TemplateResponse(request, template, {
        **model_admin.admin_site.each_context(request), "opts": model_admin.model._meta, "title": title, **context})


def upload(model_admin, request):
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    form = ExtractUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        job = EhrImport.objects.create(file_name=data["file"].name[:255], upload=data["file"], created_by=request.user,
                                       skip_bad=data["skip_bad"], extracted_at=data["extracted_at"])
        if data["file"].size <= BACKGROUND_BYTES:
            jobs.run_stored_job(job.pk)
        else:
            run_ehr_import.delay(job.pk)
        return redirect(reverse("admin:ehr_ehrimport_change", args=[job.pk]))
    recent = EhrImport.objects.select_related("created_by").order_by("-created_at")[:5]
    return _render(model_admin, request, "admin/ehr/ehrimport/upload.html", "Load an EHR extract", form=form,
                   recent=recent)


def detail(model_admin, request, object_id):
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    job = get_object_or_404(EhrImport.objects.select_related("created_by"), pk=object_id)
    return _render(model_admin, request, "admin/ehr/ehrimport/detail.html", str(job), job=job,
                   progress=jobs.job_progress(job))
