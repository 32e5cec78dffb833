from decimal import Decimal

from django import template

from consultations.models import Status

register = template.Library()

# Bootstrap badge colours chosen for AA contrast of the label on the badge.
_BADGE = {
    Status.SUBMITTED: "text-bg-primary",
    Status.TRIAGED: "text-bg-info",
    Status.ASSIGNED: "text-bg-info",
    Status.IN_PROGRESS: "text-bg-warning",
    Status.ON_HOLD: "text-bg-secondary",
    Status.COMPLETED: "text-bg-success",
    Status.DECLINED: "text-bg-danger",
    Status.WITHDRAWN: "text-bg-light border",
}


@register.filter
def status_badge_class(status: str) -> str:
    return _BADGE.get(status, "text-bg-secondary")


@register.filter
def hours(value) -> str:
    """8.00 -> "8", 3.50 -> "3.5": hours as a person writes them."""
    if value is None:
        return ""
    return f"{Decimal(value).normalize():f}"
