"""The staff desk's distribution pages: make an order, its pick list, shipping it, manifest, labels."""

from __future__ import annotations

import csv

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from common.page_cache import serve_person
from common.workflow import InvalidTransition

from .. import page_cache
from ..models import DistributionOrder, SampleRequest
from . import selectors, services


class ShipForm(forms.Form):
    recipient = forms.CharField(label="Recipient", max_length=200, widget=forms.Textarea(attrs={"rows": 3}),
                                help_text="Name, laboratory and address, as on the parcel.")
    courier = forms.CharField(label="Courier", max_length=60, required=False)
    tracking_number = forms.CharField(label="Tracking number", max_length=60)


def _require(request, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied


def _order(pk: int) -> DistributionOrder:
    return get_object_or_404(DistributionOrder.objects.select_related("request__researcher"), pk=pk)


def _render(model_admin, request, template: str, title: str, order, **context) -> TemplateResponse:
    return TemplateResponse(request, template, {
        **model_admin.admin_site.each_context(request), "opts": model_admin.model._meta, "title": title,
        "original": order, "change_url": reverse("admin:biobank_distributionorder_change", args=[order.pk]),
        **context})


def create(model_admin, request, pk: int):
    """POST: an order for the reserved samples of sample request ``pk``."""
    _require(request, "biobank.add_distributionorder")
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    sample_request = get_object_or_404(SampleRequest, pk=pk)
    try:
        order = services.create_order(sample_request, by=request.user)
    except InvalidTransition as error:
        messages.error(request, " ".join(error.messages))
        return redirect("admin:biobank_samplerequest_fulfil", sample_request.pk)
    messages.success(request, f"Order {order.reference} made: pick its samples with the pick list.")
    return redirect("admin:biobank_distributionorder_picklist", order.pk)


def _items_page(model_admin, request, pk: int, page: str, title: str):
    _require(request, "biobank.view_distributionorder")
    order = _order(pk)
    count, rows = selectors.item_rows(order, shipped=page == "manifest")
    return _render(model_admin, request, f"admin/biobank/distributionorder/{page}.html",
                   f"{title} of {order.reference}", order, count=count, item_rows=rows)


def pick_list(model_admin, request, pk: int):
    """Stored per person until the order, its items or their samples change (``biobank.page_cache``)."""
    _require(request, "biobank.view_distributionorder")
    return serve_person(page_cache.DISTRIBUTION, request,
                        lambda: _items_page(model_admin, request, pk, "picklist", "Pick list"), scope=("picklist", pk))


def ship(model_admin, request, pk: int):
    _require(request, "biobank.change_distributionorder")
    order = _order(pk)
    form = ShipForm(request.POST or None)
    if request.method == "POST":
        to = request.POST.get("to", DistributionOrder.Status.SHIPPED)
        try:
            if to == DistributionOrder.Status.CANCELLED:
                services.move_order(order, to, by=request.user)
                messages.success(request, f"{order.reference} was cancelled; its samples stay reserved.")
                return redirect("admin:biobank_distributionorder_change", order.pk)
            if form.is_valid():
                services.move_order(order, DistributionOrder.Status.SHIPPED, by=request.user, **form.cleaned_data)
                messages.success(request, f"{order.reference} shipped: print its manifest and labels.")
                return redirect("admin:biobank_distributionorder_manifest", order.pk)
        except InvalidTransition as error:
            messages.error(request, " ".join(error.messages))
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
    return _render(model_admin, request, "admin/biobank/distributionorder/ship.html", f"Ship {order.reference}",
                   order, form=form, count=order.items.count())


def manifest(model_admin, request, pk: int):
    return _items_page(model_admin, request, pk, "manifest", "Manifest")


def manifest_csv(model_admin, request, pk: int):
    _require(request, "biobank.view_distributionorder")
    order = _order(pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="manifest-{order.reference}.csv"'
    writer = csv.writer(response)
    writer.writerow(["order", "request", "barcode", "sample_type", "quantity_shipped", "unit", "collected_on",
                     "tracking_number"])
    for item in selectors.pick_list(order):
        sample = item.sample
        writer.writerow([order.reference, order.request.reference, sample.barcode, sample.sample_type,
                         "" if item.quantity_shipped is None else f"{item.quantity_shipped.normalize():f}",
                         sample.unit, f"{sample.collected_at:%Y-%m-%d}", order.tracking_number])
    return response


def labels(model_admin, request, pk: int):
    _require(request, "biobank.view_distributionorder")
    order = _order(pk)
    items = list(selectors.pick_list(order))
    return _render(model_admin, request, "admin/biobank/distributionorder/labels.html",
                   f"Labels of {order.reference}", order,
                   labels=[(item.sample, selectors.label_svg(item.sample.barcode)) for item in items])
