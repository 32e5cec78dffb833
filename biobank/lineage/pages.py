"""The staff desk's page for splitting a sample into aliquots or derivatives."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from ..models import Sample
from . import services
from .forms import SplitForm


def split(model_admin, request, pk: int):
    if not (request.user.has_perm("biobank.add_sample") and request.user.has_perm("biobank.change_sample")):
        raise PermissionDenied
    sample = get_object_or_404(Sample.objects.select_related("box__parent__parent"), pk=pk)
    form = SplitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            made = services.split_sample(sample, kind=data["kind"], count=data["count"], taken_each=data["taken_each"],
                                         sample_type=data["sample_type"], product_each=data["product_each"],
                                         unit=data["unit"], by=request.user, reason=data["reason"])
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, f"{len(made)} made from {sample.barcode}: "
                                      f"{', '.join(child.barcode for child in made)}.")
            return redirect("admin:biobank_sample_change", sample.pk)
    return TemplateResponse(request, "admin/biobank/sample/split.html", {
        **model_admin.admin_site.each_context(request), "opts": model_admin.model._meta,
        "title": f"Aliquots or derivatives of {sample.barcode}", "original": sample, "form": form,
        "change_url": reverse("admin:biobank_sample_change", args=[sample.pk])})
