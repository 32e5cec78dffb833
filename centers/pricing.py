"""Reads of the priced catalogue: the price of a unit of a service on a day, and its price list.

A service's rates are rows with an ``effective_from`` date; the rate in force on a day is the
latest one that started on or before it. A price quoted once (a request's line item) is copied
onto what was quoted, so a later rate never changes it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from .models import FundingType, Service, ServiceRate

FREE = Decimal("0.00")


@dataclass(frozen=True)
class PriceRow:
    funding_type: str
    label: str
    amount: Decimal | None  # None: no rate published yet
    since: datetime.date | None
    next_amount: Decimal | None = None
    next_from: datetime.date | None = None


def with_rates(services: QuerySet[Service]) -> QuerySet[Service]:
    """``services`` with their rates fetched in one more query (``rate_rows``), oldest first."""
    return services.prefetch_related(
        Prefetch("rates", queryset=ServiceRate.objects.order_by("effective_from", "id"), to_attr="rate_rows"))


def _rows(service: Service) -> list[ServiceRate]:
    rows = getattr(service, "rate_rows", None)
    if rows is None:
        rows = list(service.rates.order_by("effective_from", "id"))
    return rows


def unit_price(service: Service, funding_type: str, on: datetime.date | None = None) -> Decimal | None:
    """The price of one unit of ``service`` for ``funding_type`` on ``on`` (today by default).

    Free services cost 0; a priced service with no rate in force yet gives None (the price is
    then agreed with the team).
    """
    if service.free_of_charge:
        return FREE
    on = on or timezone.localdate()
    amount = None
    for rate in _rows(service):
        if rate.funding_type == funding_type and rate.effective_from <= on:
            amount = rate.amount
    return amount


def price_list(service: Service, on: datetime.date | None = None) -> list[PriceRow]:
    """One row per funding type: the rate in force on ``on`` and the next announced change.

    Empty for a free service and for one with no rate at all (its price is agreed with the team).
    """
    if service.free_of_charge or not _rows(service):
        return []
    on = on or timezone.localdate()
    result = []
    for funding_type, label in FundingType.choices:
        current = upcoming = None
        for rate in _rows(service):
            if rate.funding_type != funding_type:
                continue
            if rate.effective_from <= on:
                current = rate
            elif upcoming is None:
                upcoming = rate
        result.append(PriceRow(
            funding_type=funding_type, label=label,
            amount=current.amount if current else None, since=current.effective_from if current else None,
            next_amount=upcoming.amount if upcoming else None,
            next_from=upcoming.effective_from if upcoming else None))
    return result
