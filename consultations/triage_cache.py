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

from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from common.page_cache import PageCache

TIMEOUT = 60
LIST = PageCache("consultations:triage-list", timeout=TIMEOUT)


def cached_changelist(request, render):
    """The list for ``request`` from the cache, or ``render()``-ed and stored."""
    if not LIST.plain_get(request):
        return render()
    return LIST.serve(request, LIST.page_key(request, request.user.pk, timezone.localdate().isoformat()), render)


def _user_saved(sender, instance, update_fields=None, **kwargs) -> None:
    if update_fields and set(update_fields) <= {"last_login"}:
        return  # someone signed in: nothing the list shows changed
    LIST.invalidate()


def connect() -> None:
    from django.contrib.auth import get_user_model

    from accounts.backends import on_role_change
    from centers.models import Center, Service, StaffMembership

    from .models import ConsultationRequest, TimeEntry

    user_model = get_user_model()
    for model in (ConsultationRequest, TimeEntry, user_model, Center, Service, StaffMembership):
        for signal, event in ((post_save, "saved"), (post_delete, "deleted")):
            receiver = _user_saved if (model, signal) == (user_model, post_save) else LIST.invalidate
            signal.connect(receiver, sender=model, dispatch_uid=f"consultations.triage.{model.__name__}.{event}")
    on_role_change(LIST.invalidate, "consultations.triage")  # the actions offered follow permissions
