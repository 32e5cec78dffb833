"""Writes of distribution: an order from a request's reservations, and its one status function."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from accounts.models import User
from common.references import next_reference
from common.workflow import InvalidTransition
from notifications.services import queue_email

from .. import services
from ..models import DistributionItem, DistributionOrder, Sample, SampleRequest

Status = DistributionOrder.Status


def _notify(order: DistributionOrder) -> None:
    """The researcher hears of every move; staff hear of a receipt. No details, only the reference."""
    context = {"reference": order.reference, "path": order.get_absolute_url()}
    queue_email(order.request.researcher.email, "biobank_order_status", context,
                idempotency_key=f"biobank:{order.reference}:{order.status}")
    if order.status == Status.RECEIVED:
        admin_path = reverse("admin:biobank_distributionorder_change", args=[order.pk])
        staff = User.objects.filter(groups__name=roles.BIOBANK_STAFF, is_active=True).distinct().order_by("pk")
        for member in staff.only("pk", "email"):
            queue_email(member.email, "biobank_order_status", {**context, "path": admin_path},
                        idempotency_key=f"biobank:{order.reference}:received:{member.pk}")


@transaction.atomic
def create_order(request_obj: SampleRequest, *, by) -> DistributionOrder:
    """An order for every sample reserved for an approved request that is being fulfilled."""
    if not roles.has_role(by, roles.BIOBANK_STAFF):
        raise InvalidTransition("Only biobank staff can make distribution orders.")
    req = SampleRequest.objects.select_for_update().select_related("researcher").get(pk=request_obj.pk)
    if req.status != SampleRequest.Status.FULFILLING:
        raise InvalidTransition("Reserve samples for the approved request first: an order ships reserved samples.")
    if req.orders.exclude(status=Status.CANCELLED).exists():
        raise InvalidTransition(f"{req.reference} has an order already: ship or cancel it first.")
    reserved = list(req.samples.filter(status=Sample.Status.RESERVED).values_list("pk", flat=True))
    if not reserved:
        raise InvalidTransition("No sample is reserved for this request.")
    order = DistributionOrder(reference=next_reference(DistributionOrder.REFERENCE_PREFIX), request=req,
                              created_by=by)
    order._history_user, order._change_reason = by, f"Order for {req.reference}"
    order.save()
    DistributionItem.objects.bulk_create([DistributionItem(order=order, sample_id=pk) for pk in reserved])
    _notify(order)
    return order


@transaction.atomic
def move_order(order: DistributionOrder, to: str, *, by, recipient: str = "", courier: str = "",
               tracking_number: str = "") -> DistributionOrder:
    """The one way an order changes status: checked against ``MOVES``, with history and emails."""
    locked = (DistributionOrder.objects.select_for_update(of=("self",)).select_related("request__researcher")
              .get(pk=order.pk))
    DistributionOrder.MOVES.check(locked.status, to, refusal=lambda: (
        f"An order that is {DistributionOrder.MOVES.label(locked.status)} cannot become "
        f"{DistributionOrder.MOVES.label(to)}."))
    if to == Status.RECEIVED:
        if by.pk != locked.request.researcher_id:
            raise InvalidTransition("Only the researcher who asked for the samples can confirm their receipt.")
    elif not roles.has_role(by, roles.BIOBANK_STAFF):
        raise InvalidTransition("Only biobank staff can ship or cancel an order.")
    now = timezone.now()
    if to == Status.SHIPPED:
        _ship(locked, by=by, recipient=recipient, courier=courier, tracking_number=tracking_number, now=now)
    elif to == Status.RECEIVED:
        locked.received_at, locked.received_by = now, by
        req = locked.request
        if req.status == SampleRequest.Status.FULFILLING and not req.samples.filter(
                status=Sample.Status.RESERVED).exists():
            services.move_request(req, SampleRequest.Status.FULFILLED, by=_staff_for(locked))
    locked.status = to
    locked._history_user = by
    locked._change_reason = f"Moved to {DistributionOrder.MOVES.label(to)}"
    locked.save()
    _notify(locked)
    order.status = locked.status
    return locked


def _staff_for(order: DistributionOrder):
    # The request's fulfilment is the biobank's move: recorded for the staff member who shipped it.
    return order.history.filter(status=Status.SHIPPED).order_by("history_date").first().history_user


def _ship(order: DistributionOrder, *, by, recipient: str, courier: str, tracking_number: str, now) -> None:
    errors = {}
    if not recipient.strip():
        errors["recipient"] = "Say who receives the parcel: name, laboratory and address."
    if not tracking_number.strip():
        errors["tracking_number"] = "Give the courier's tracking number."
    if errors:
        raise ValidationError(errors)
    items = list(order.items.select_related("sample").select_for_update(of=("self",)))
    gone = [item.sample.barcode for item in items if item.sample.status != Sample.Status.RESERVED]
    if gone:
        raise InvalidTransition(f"These samples are no longer reserved for {order.request.reference} (a donor "
                                f"withdrew or they were released): {', '.join(gone[:20])}. Cancel this order and "
                                "make a new one.")
    for item in items:
        item.quantity_shipped = item.sample.quantity
    DistributionItem.objects.bulk_update(items, ["quantity_shipped"], batch_size=1000)
    services.move_samples(Sample.objects.filter(pk__in=[item.sample_id for item in items]),
                          Sample.Status.DISTRIBUTED, by=by, reason=f"Shipped in {order.reference}")
    order.recipient, order.courier = recipient.strip()[:200], courier.strip()[:60]
    order.tracking_number, order.shipped_at = tracking_number.strip()[:60], now
