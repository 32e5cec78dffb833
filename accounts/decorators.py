"""View decorators by role: one place decides how a page answers someone without the role."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render

from . import roles


def role_required(role: str, refusal_template: str):
    """Anonymous people are sent to sign in; signed-in people without ``role`` get ``refusal_template`` (403)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not roles.has_role(request.user, role):
                return render(request, refusal_template, status=403)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
