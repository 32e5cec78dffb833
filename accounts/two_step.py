"""Two-step sign-in pages: setting up the authenticator app, recovery codes, the code step.

Required for people who see protected data (``second_step.must_use``): until they have set up
the app, every page sends them to the set-up page; once they have, a session that signed in
with the password alone is sent to the code step before any page (the staff desk included).
Other staff may turn it on (and off). People without the staff flag or such a role never see it.
"""

from __future__ import annotations

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import user_has_device

from . import second_step

# Set at sign-in: does this session owe the code step? (Read from the session the request has
# loaded anyway, so pages pay no query for people without a device.)
SESSION_FLAG = "two_step_required"
# Recovery codes just made, shown once on the next page.
SESSION_NEW_CODES = "two_step_new_codes"
WRONG_CODE = ("That code is not right. Type the 6 digits your authenticator app shows now "
              "(and check that the clock on your phone is right), or one of your recovery codes.")
SLOWED = ("Several wrong codes in a row: wait {seconds}, then type the code your app shows now. "
          "Your account is not locked; the right code works as soon as the wait is over.")
SLOWING_EXPLAINED = (f"After {second_step.FREE_TRIES} wrong codes in a row each try waits a little longer, "
                     f"at most {second_step.MAX_WAIT_SECONDS} seconds; the account is never locked.")


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code", max_length=32,
        error_messages={"required": "Type the 6-digit code from your authenticator app, or a recovery code."},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}))

    def __init__(self, *args, user=None, device=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.device, self.verified_device = user, device, None

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        device, wait = second_step.check_code(self.user, code, device=self.device)
        if wait:
            raise forms.ValidationError(SLOWED.format(seconds=f"{wait} second{'s' if wait != 1 else ''}"),
                                        code="slowed")
        if device is None:
            raise forms.ValidationError(WRONG_CODE, code="wrong")
        self.verified_device = device
        return code


def _next_url(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return target
    return default


def _qr_svg(device) -> str:
    # config_url carries the secret; the picture is made here, never by another site.
    return segno.make(device.config_url, error="m").svg_inline(
        scale=4, border=2, title="QR code to add the DCR Portal to your authenticator app")


def _show_codes(request, codes: list[str], done: str):
    request.session[SESSION_NEW_CODES] = codes
    return redirect(reverse("accounts:recovery_codes") + "?" + urlencode({"next": done}))


@login_required
@require_http_methods(["GET", "POST"])
def setup(request):
    """Set up the app (scan, confirm a code); when set up: new recovery codes, or turn it off."""
    user = request.user
    if not second_step.may_use(user):
        raise Http404("Two-step sign-in is for staff accounts.")
    required = second_step.must_use(user)
    done = _next_url(request, reverse("accounts:my_account"))
    if second_step.app_device(user) is not None:
        form = CodeForm(request.POST if request.method == "POST" else None, user=user)
        if request.method == "POST" and request.POST.get("action") == "new_codes":
            messages.success(request, "New recovery codes are ready; the old ones no longer work.")
            return _show_codes(request, second_step.new_recovery_codes(user), done)
        if request.method == "POST" and not required and form.is_valid():
            second_step.turn_off(user)
            request.session[SESSION_FLAG] = False
            messages.success(request, "Two-step sign-in is off. You sign in with your password alone.")
            return redirect("accounts:my_account")
        return render(request, "accounts/two_step.html", {
            "enabled": True, "required": required, "form": form,
            "codes_left": second_step.recovery_codes_left(user),
        }, status=400 if form.errors else 200)

    pending = second_step.pending_app_device(user)
    form = CodeForm(request.POST if request.method == "POST" else None, user=user, device=pending)
    if request.method == "POST" and form.is_valid():
        pending.confirmed = True
        pending.save(update_fields=["confirmed"])
        otp_login(request, pending)
        request.session[SESSION_FLAG] = True
        messages.success(request, "Two-step sign-in is on. Next time you sign in, we will ask for a code.")
        return _show_codes(request, second_step.new_recovery_codes(user), done)
    return render(request, "accounts/two_step.html", {
        "enabled": False, "required": required, "form": form, "qr_svg": _qr_svg(pending),
        "secret": second_step.setup_key(pending), "next": done,
    }, status=400 if form.errors else 200)


@login_required
def recovery_codes(request):
    """The recovery codes just made, shown once."""
    codes = request.session.pop(SESSION_NEW_CODES, None)
    if not codes:
        return redirect("accounts:two_step")
    return render(request, "accounts/recovery_codes.html", {
        "codes": codes, "next": _next_url(request, reverse("accounts:my_account"))})


@login_required
@require_http_methods(["GET", "POST"])
def verify(request):
    """The second step of signing in, for a person who has set up the app."""
    done = _next_url(request, reverse("accounts:my_account"))
    if second_step.app_device(request.user) is None or request.user.is_verified():
        return redirect(done)
    form = CodeForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST" and form.is_valid():
        otp_login(request, form.verified_device)
        if form.verified_device.name == second_step.RECOVERY_DEVICE_NAME:
            left = second_step.recovery_codes_left(request.user)
            messages.warning(request, f"You signed in with a recovery code; {left} are left. "
                                      "Make new ones under My account, Two-step sign-in.")
        return redirect(done)
    return render(request, "accounts/two_step_verify.html", {
        "form": form, "next": done, "slowing": SLOWING_EXPLAINED}, status=400 if form.errors else 200)


@receiver(user_logged_in)
def _remember_if_the_code_is_owed(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_FLAG] = bool(user_has_device(user))


class TwoStepMiddleware:
    """Before any page: the code step for a session that owes it, the set-up for a person who
    must use two-step sign-in and has no app yet (after django_otp's OTPMiddleware)."""

    ALWAYS_OPEN = ("accounts:two_step", "accounts:recovery_codes", "accounts:two_step_verify",
                   "accounts:logout", "set_language")

    def __init__(self, get_response):
        self.get_response = get_response
        self._open_paths = None

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated and not user.is_verified()
                and not self._is_open(request.path)):
            if request.session.get(SESSION_FLAG):
                return redirect_to_login(request.get_full_path(), reverse("accounts:two_step_verify"))
            if second_step.must_use(user):
                return redirect_to_login(request.get_full_path(), reverse("accounts:two_step"))
        return self.get_response(request)

    def _is_open(self, path: str) -> bool:
        if self._open_paths is None:
            self._open_paths = {reverse(name) for name in self.ALWAYS_OPEN}
        return path in self._open_paths or path.startswith(settings.STATIC_URL) or path in {"/healthz", "/readyz"}
