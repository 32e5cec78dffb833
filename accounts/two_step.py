"""Two-step sign-in for staff: a time-based code from an authenticator app (django-otp TOTP).

Optional: a staff member turns it on under My account. From then on a session that signed in
with the password alone is sent to the code step before any page (the staff desk included),
so an admin page is never shown to an unverified session of a person who has a device.
People without the staff flag never see any of it.
"""

from __future__ import annotations

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.dispatch import receiver
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

DEVICE_NAME = "Authenticator app"
# Set at sign-in: does this session owe the code step? (Read from the session the request has
# loaded anyway, so staff pages pay no query for a feature most staff leave off.)
SESSION_FLAG = "two_step_required"
WRONG_CODE = ("That code is not right. Type the 6 digits your authenticator app shows now "
              "(and check that the clock on your phone is right).")
TOO_MANY = "Too many wrong codes in a row. Wait a minute, then type the code your app shows now."


class CodeForm(forms.Form):
    code = forms.RegexField(
        label="6-digit code", regex=r"^\s*\d{6}\s*$", max_length=12,
        error_messages={"invalid": "The code is 6 digits, for example 123456.",
                        "required": "Type the 6-digit code from your authenticator app."},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                      "autofocus": True}))

    def __init__(self, *args, device: TOTPDevice | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        allowed, _ = self.device.verify_is_allowed()
        if not allowed:
            raise forms.ValidationError(TOO_MANY)
        if not self.device.verify_token(code):
            raise forms.ValidationError(WRONG_CODE)
        return code


def _confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def _next_url(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return target
    return default


def _qr_svg(device: TOTPDevice) -> str:
    # config_url carries the secret; the picture is made here, never by another site.
    return segno.make(device.config_url, error="m").svg_inline(
        scale=4, border=2, title="QR code to add the DCR Portal to your authenticator app")


@login_required
@require_http_methods(["GET", "POST"])
def setup(request):
    """Turn two-step sign-in on (scan, then confirm a code) or off (confirm a code)."""
    if not request.user.is_staff:
        raise Http404("Two-step sign-in is for staff accounts.")
    device = _confirmed_device(request.user)
    if device is not None:
        form = CodeForm(request.POST if request.method == "POST" else None, device=device)
        if request.method == "POST" and form.is_valid():
            TOTPDevice.objects.filter(user=request.user).delete()
            request.session[SESSION_FLAG] = False
            messages.success(request, "Two-step sign-in is off. You sign in with your password alone.")
            return redirect("accounts:my_account")
        return render(request, "accounts/two_step.html", {"enabled": True, "form": form},
                      status=400 if form.errors else 200)

    with transaction.atomic():
        pending = (TOTPDevice.objects.select_for_update().filter(user=request.user, confirmed=False).first()
                   or TOTPDevice.objects.create(user=request.user, name=DEVICE_NAME, confirmed=False))
    form = CodeForm(request.POST if request.method == "POST" else None, device=pending)
    if request.method == "POST" and form.is_valid():
        pending.confirmed = True
        pending.save(update_fields=["confirmed"])
        otp_login(request, pending)
        request.session[SESSION_FLAG] = True
        messages.success(request, "Two-step sign-in is on. Next time you sign in, we will ask for a code.")
        return redirect("accounts:my_account")
    return render(request, "accounts/two_step.html", {
        "enabled": False, "form": form, "qr_svg": _qr_svg(pending),
        "secret": _base32(pending),
    }, status=400 if form.errors else 200)


def _base32(device: TOTPDevice) -> str:
    from base64 import b32encode

    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i:i + 4] for i in range(0, len(key), 4))


@login_required
@require_http_methods(["GET", "POST"])
def verify(request):
    """The second step of signing in, for a staff member who turned two-step sign-in on."""
    done = _next_url(request, reverse("accounts:my_account"))
    device = _confirmed_device(request.user) if request.user.is_staff else None
    if device is None or request.user.is_verified():
        return redirect(done)
    form = CodeForm(request.POST if request.method == "POST" else None, device=device)
    if request.method == "POST" and form.is_valid():
        otp_login(request, device)
        return redirect(done)
    return render(request, "accounts/two_step_verify.html", {"form": form, "next": done},
                  status=400 if form.errors else 200)


@receiver(user_logged_in)
def _remember_if_the_code_is_owed(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_FLAG] = bool(user.is_staff and user_has_device(user))


class TwoStepMiddleware:
    """Send a staff session that skipped the code step to it (after django_otp's OTPMiddleware)."""

    ALWAYS_OPEN = ("accounts:two_step_verify", "accounts:logout")

    def __init__(self, get_response):
        self.get_response = get_response
        self._open_paths = None

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated and request.session.get(SESSION_FLAG)
                and not user.is_verified() and not self._is_open(request.path)):
            from django.contrib.auth.views import redirect_to_login

            return redirect_to_login(request.get_full_path(), reverse("accounts:two_step_verify"))
        return self.get_response(request)

    def _is_open(self, path: str) -> bool:
        if self._open_paths is None:
            self._open_paths = {reverse(name) for name in self.ALWAYS_OPEN}
        from django.conf import settings

        return path in self._open_paths or path.startswith(settings.STATIC_URL) or path in {"/healthz", "/readyz"}
