"""Who may ask cohort questions: researchers whose biobank access is approved and email verified.

The decision is asked on every cohort page, and on every key a person types into the concept
search: the approved application is kept per person in the cache (``APPROVED``, as
``accounts.backends`` keeps permissions), forgotten as soon as any application is saved or
deleted, so a revoked researcher is refused on the very next request. The role comes with the
user (``accounts.backends``); a first visit asks the database one query.
"""

from __future__ import annotations

from functools import wraps

from django.db.models.signals import post_delete, post_save
from django.shortcuts import render

from accounts import roles
from accounts.decorators import researcher_required as accounts_researcher_required
from common.cache import VersionedCache, read_together

from .models import BiobankAccess

APPROVED = VersionedCache("cohorts:biobank-access", timeout=300)


def _approved(user, entry: tuple | None = None) -> bool:
    key = APPROVED.key(user.pk)
    approved, version = entry or APPROVED.read(key)
    if approved is None:
        approved = BiobankAccess.objects.filter(user=user, status=BiobankAccess.Status.APPROVED,
                                                email_verified_at__isnull=False).exists()
        APPROVED.write(key, version, approved)
    return approved


def has_biobank_access(user, entry: tuple | None = None) -> bool:
    """Read once per request and kept on the user object (``entry``: the cache's answer, read already)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, "_biobank_access", None)
    if cached is None:
        cached = roles.has_role(user, roles.RESEARCHER) and _approved(user, entry)
        user._biobank_access = cached
    return cached


def connect() -> None:
    for signal, event in ((post_save, "saved"), (post_delete, "deleted")):
        signal.connect(APPROVED.invalidate, sender=BiobankAccess, dispatch_uid=f"cohorts.access.{event}")


researcher_required = accounts_researcher_required("biobank/researchers_only.html")


def access_required(view=None, *, reading=None):
    """Sign-in for the anonymous; 403 for non-researchers and for researchers not (yet) approved.

    ``reading(request)``: a (family, key) cache entry the view needs, read in the same round trip
    as the approval (``common.cache.read_together``) and handed to the view, only once the person
    is let in, as ``request.read_with_access`` ((value, version))."""
    if view is None:
        return lambda view: access_required(view, reading=reading)

    @wraps(view)
    @researcher_required
    def wrapper(request, *args, **kwargs):
        approval = None
        if reading is not None:
            approval, request.read_with_access = read_together((APPROVED, APPROVED.key(request.user.pk)),
                                                               reading(request))
        if not has_biobank_access(request.user, approval):
            return render(request, "cohorts/access_needed.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper
