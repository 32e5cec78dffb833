"""Who may ask cohort questions: researchers whose biobank access is approved and email verified."""

from __future__ import annotations

from functools import wraps

from django.shortcuts import render

from accounts import roles
from accounts.decorators import researcher_required as accounts_researcher_required

from .models import BiobankAccess


def has_biobank_access(user) -> bool:
    """Read once per request and kept on the user object."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, "_biobank_access", None)
    if cached is None:
        cached = roles.has_role(user, roles.RESEARCHER) and BiobankAccess.objects.filter(
            user=user, status=BiobankAccess.Status.APPROVED, email_verified_at__isnull=False).exists()
        user._biobank_access = cached
    return cached


researcher_required = accounts_researcher_required("biobank/researchers_only.html")


def access_required(view):
    """Sign-in for the anonymous; 403 for non-researchers and for researchers not (yet) approved."""

    @wraps(view)
    @researcher_required
    def wrapper(request, *args, **kwargs):
        if not has_biobank_access(request.user):
            return render(request, "cohorts/access_needed.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper
