"""Reads of distribution: an order's items in the order staff walk the freezers, and its labels."""

from __future__ import annotations

import re

from barcode import Code128
from barcode.writer import SVGWriter
from django.db.models import QuerySet
from django.utils.safestring import mark_safe

from ..models import DistributionItem, DistributionOrder, Sample


_STYLE = re.compile(r'style="([^"]*)"')


def pick_list(order: DistributionOrder) -> QuerySet[DistributionItem]:
    """Every item with its sample and place, by freezer, rack, box and position: one query."""
    return (order.items.select_related("sample__box__parent__parent")
            .order_by(*[f"sample__{key}" for key in Sample.PICK_ORDER]))


def label_svg(code: str) -> str:
    """A Code 128 barcode of ``code`` as inline SVG (the text under it included)."""
    svg = Code128(code, writer=SVGWriter()).render(
        {"module_width": 0.25, "module_height": 8, "font_size": 6, "text_distance": 3, "quiet_zone": 2})
    text = svg.decode("utf-8")
    # The portal's content security policy allows no inline style: colours and fonts become attributes.
    text = _STYLE.sub(lambda m: " ".join(f'{k.strip()}="{v.strip()}"' for k, v in
                                         (part.split(":", 1) for part in m[1].split(";") if ":" in part)), text)
    return mark_safe(text[text.index("<svg"):])  # nosec B308, B703: drawn by the library from a checked barcode


def my_orders(user) -> QuerySet[DistributionOrder]:
    return DistributionOrder.objects.filter(request__researcher=user).select_related("request")
