"""Pricing a request's service lines when it is filed: which rate applies and what each line costs.

The rate type is the project's funding type when the request is filed on a project; otherwise
an industry-sponsored study pays the industry rate and every other study the federal or internal
one. The unit price in force on the day is copied onto the line: later rates never change it.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from centers import pricing
from centers.models import Center, FundingType, Service, Unit

from .models import FundingStatus, LineItem

MAX_LINES = 10


@dataclass(frozen=True)
class Wanted:
    """One service a researcher asks for: how much (None: the usual amount), and where (None: its provider)."""

    service: Service
    quantity: Decimal | None = None
    center: Center | None = None


def funding_type_for(*, project=None, funding_status: str) -> str:
    if project is not None:
        return project.funding_type
    return FundingType.INDUSTRY if funding_status == FundingStatus.INDUSTRY else FundingType.FEDERAL


def default_quantity(service: Service) -> Decimal:
    """The usual amount: the typical hours of an hourly service, otherwise one unit."""
    if service.unit == Unit.HOUR and (service.typical_hours_max or service.typical_hours_min):
        return Decimal(service.typical_hours_max or service.typical_hours_min)
    return Decimal("1")


def priced_lines(wanted: Iterable[Wanted], *, funding_type: str, on: datetime.date) -> list[LineItem]:
    """Unsaved lines, numbered from 1, each with the unit price of ``on``."""
    lines = []
    for position, item in enumerate(wanted, start=1):
        service = item.service
        lines.append(LineItem(
            position=position, service=service, center=item.center or service.center,
            quantity=item.quantity or default_quantity(service), unit=service.unit, funding_type=funding_type,
            unit_price=pricing.unit_price(service, funding_type, on), priced_on=on))
    return lines


def total(lines: Iterable[LineItem]) -> tuple[Decimal, bool]:
    """The sum of the lines' estimates, and whether some line's price is still to be agreed."""
    amount, unpriced = Decimal("0.00"), False
    for line in lines:
        if line.estimate is None:
            unpriced = True
        else:
            amount += line.estimate
    return amount, unpriced
