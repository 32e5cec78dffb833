"""The staff desk's storage pages: the tree with its utilisation, a box's map, moving a sample.

Reached through the ModelAdmins (``admin_site.admin_view``: staff sign-in); each checks its
permission, so staff of other roles get 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from common.page_cache import serve_person

from .. import page_cache
from ..models import Sample, StorageContainer
from . import map_html, selectors, services
from .forms import MoveSampleForm


def _require(request, *permissions: str) -> None:
    if not all(request.user.has_perm(p) for p in permissions):
        raise PermissionDenied


def _render(model_admin, request, template: str, title: str, **context) -> TemplateResponse:
    return TemplateResponse(request, template, {
        **model_admin.admin_site.each_context(request), "opts": model_admin.model._meta, "title": title, **context,
    })


def overview(model_admin, request):
    """Every freezer, shelf or rack and box: how full, with what."""
    _require(request, "biobank.view_storagecontainer", "biobank.view_sample")
    return _render(model_admin, request, "admin/biobank/storagecontainer/overview.html", "Storage and utilisation",
                   freezers=selectors.utilisation())


def box_map(model_admin, request, pk: int):
    """A box's map, stored per person until a sample in it changes (``biobank.page_cache``)."""
    _require(request, "biobank.view_storagecontainer", "biobank.view_sample")
    return serve_person(page_cache.STORAGE, request, lambda: _box_map(model_admin, request, pk),
                        scope=("map", pk, page_cache.box_stamp(pk)))


def _box_map(model_admin, request, pk: int):
    box = get_object_or_404(StorageContainer.objects.select_related("parent__parent"), pk=pk,
                            kind=StorageContainer.Kind.BOX)
    grid = selectors.box_map(box)
    return _render(model_admin, request, "admin/biobank/storagecontainer/box_map.html", f"Box {box.path}",
                   original=box, change_url=reverse("admin:biobank_storagecontainer_change", args=[box.pk]),
                   map=grid, map_rows=map_html.rows(grid), legend=[(state, label, grid.counts.get(state, 0))
                                     for state, label in selectors.STATE_LABELS.items()])


def move_sample(model_admin, request, pk: int):
    _require(request, "biobank.change_sample")
    sample = get_object_or_404(Sample.objects.select_related("box__parent__parent"), pk=pk)
    form = MoveSampleForm(request.POST or None, initial={"box": sample.box_id})
    if request.method == "POST" and form.is_valid():
        try:
            move = services.move_sample(sample, box=form.cleaned_data["box"], position=form.cleaned_data["position"],
                                        by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, f"Sample {sample.barcode} moved to {sample.location}.")
            del move
            return redirect("admin:biobank_sample_change", sample.pk)
    return _render(model_admin, request, "admin/biobank/sample/move.html", f"Move sample {sample.barcode}",
                   original=sample, form=form, change_url=reverse("admin:biobank_sample_change", args=[sample.pk]))
