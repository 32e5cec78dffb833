"""Distribution: an approved sample request's samples picked, shipped and received.

A distribution order holds the request's reserved samples (its items), is picked in freezer
order, shipped to a recipient with a tracking number, and closed when the recipient's side
confirms receipt. Every move goes through ``biobank.distribution.services.move_order``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from common.workflow import MoveTable


class DistributionOrder(models.Model):
    class Status(models.TextChoices):
        PICKING = "picking", "Being picked"
        SHIPPED = "shipped", "Shipped"
        RECEIVED = "received", "Received"
        CANCELLED = "cancelled", "Cancelled"

    MOVES = MoveTable(Status, {
        Status.PICKING: {Status.SHIPPED, Status.CANCELLED},
        Status.SHIPPED: {Status.RECEIVED},
        Status.RECEIVED: set(),
        Status.CANCELLED: set(),
    })
    REFERENCE_PREFIX = "BBD"

    reference = models.CharField(max_length=20, unique=True, editable=False)
    request = models.ForeignKey("SampleRequest", on_delete=models.PROTECT, related_name="orders")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PICKING)
    recipient = models.CharField(max_length=200, blank=True,
                                 help_text="Who receives the parcel: name, laboratory, address.")
    courier = models.CharField(max_length=60, blank=True)
    tracking_number = models.CharField(max_length=60, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    shipped_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "distribution order"
        constraints = [
            # One order at a time per request (a cancelled one makes room for another).
            models.UniqueConstraint(fields=["request"], condition=~models.Q(status="cancelled"),
                                    name="distribution_one_open_order_per_request"),
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("biobank:order_detail", args=[self.reference])


class DistributionItem(models.Model):
    """A sample of an order, and how much of it was shipped."""

    order = models.ForeignKey(DistributionOrder, on_delete=models.CASCADE, related_name="items")
    sample = models.ForeignKey("Sample", on_delete=models.PROTECT, related_name="distribution_items")
    quantity_shipped = models.DecimalField(max_digits=10, decimal_places=3, null=True, blank=True)

    class Meta:
        verbose_name = "distribution item"
        constraints = [models.UniqueConstraint(fields=["order", "sample"], name="distribution_item_unique")]

    def __str__(self) -> str:
        return f"{self.sample_id} in {self.order_id}"
