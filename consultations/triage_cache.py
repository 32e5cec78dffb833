"""The triage list (the request changelist in admin), kept rendered per staff member for a minute.

At hospital scale the list's queries are cheap next to rendering its 50 rows through the admin's
templates (the benchmark prints both). So each staff member's page for an address is rendered once and
served from the cache until anything it shows changes (``connect`` below: a request, its hours,
a person's name, a centre or service, who works where, who holds which role) or ``TIMEOUT``
passes. The permission checks of the admin run before the cache is read, on every request.

The key holds the staff member, today's date (ages are in days) and the address; "overdue" flags
depend on the clock too, which is why pages are kept for a minute at most.
"""

from __future__ import annotations

from accounts.backends import forget_on_change
from common.page_cache import PageCache, serve_person

TIMEOUT = 60
LIST = PageCache("consultations:triage-list", timeout=TIMEOUT)
# A request's change page (``common.admin_tools.KeptChangePage``): its lines, history, messages,
# hours and documents too; kept a minute at most as well ("overdue" follows the clock).
CHANGE_PAGES = PageCache("consultations:request-change", timeout=TIMEOUT)


def cached_changelist(request, render):
    """The list for ``request`` from the cache, or ``render()``-ed and stored."""
    return serve_person(LIST, request, render, parameters=None)


def connect() -> None:
    from centers.models import Center, Service, StaffMembership

    from .models import Attachment, ConsultationRequest, LineItem, Message, StatusChange, TimeEntry

    # Roles too: the actions offered follow permissions.
    forget_on_change(LIST, (ConsultationRequest, TimeEntry, Center, Service, StaffMembership), "consultations.triage")
    forget_on_change(CHANGE_PAGES, (ConsultationRequest, LineItem, StatusChange, Message, TimeEntry, Attachment, Center,
                                    Service, StaffMembership), "consultations.request-change")
