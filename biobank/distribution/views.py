"""The researcher's side of a distribution: the order (shipment and manifest) and confirming receipt."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.decorators import researcher_required
from common.workflow import InvalidTransition

from ..models import DistributionOrder
from . import selectors, services


@researcher_required("biobank/researchers_only.html")
def order_detail(request, reference: str):
    order = get_object_or_404(selectors.my_orders(request.user), reference=reference)
    return render(request, "biobank/order_detail.html", {
        "order": order, "items": selectors.pick_list(order) if order.status != order.Status.PICKING else [],
        "can_confirm": order.status == DistributionOrder.Status.SHIPPED})


@researcher_required("biobank/researchers_only.html")
@require_POST
def confirm_receipt(request, reference: str):
    order = get_object_or_404(selectors.my_orders(request.user), reference=reference)
    try:
        services.move_order(order, DistributionOrder.Status.RECEIVED, by=request.user)
    except InvalidTransition as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Thank you: the receipt is recorded and the biobank is told.")
    return redirect(order.get_absolute_url())
