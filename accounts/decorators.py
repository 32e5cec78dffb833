"""View decorators for the portal's roles."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render

from . import roles


def researcher_required(refusal_template: str):
    """Signed-in researchers only: anonymous people sign in first; people of other roles get a
    403 page (``refusal_template``) that says what the page is for and how to get the role."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not roles.has_role(request.user, roles.RESEARCHER):
                return render(request, refusal_template, status=403)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
