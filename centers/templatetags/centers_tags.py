from decimal import Decimal

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def money(value) -> str:
    """1234.5 -> "$1,234.50"; None -> "" (the template says what a missing price means)."""
    if value is None:
        return ""
    amount = Decimal(value).quantize(Decimal("0.01"))
    return f"-${-amount:,.2f}" if amount < 0 else f"${amount:,.2f}"


@register.filter
def breakable_email(address: str) -> str:
    """An email address that wraps only after its "@" and dots, never in the middle of a word."""
    parts = escape(address or "").replace("@", "@<wbr>").replace(".", ".<wbr>")
    return mark_safe(parts)  # nosec B308, B703: the address is escaped above; only <wbr> is added
