from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.tokens import default_token_generator
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from common import ratelimit

from . import roles, sso
from .forms import EmailAuthenticationForm, PortalPasswordChangeForm, ProfileForm, SignUpForm
from .models import User
from .services import confirm_sign_up, password_was_reset, sign_up

SIGN_UPS_PER_HOUR_PER_ADDRESS = 10  # per client address: a family or a ward may share one
TOO_MANY_SIGN_UPS = _("Many accounts were asked for from your network in the last hour, so this one was not. "
                      "Please try again in an hour.")


@require_http_methods(["GET", "POST"])
def signup(request):
    """Ask for an account. Whether the address is new or known, the answer is "check your email"."""
    if request.user.is_authenticated:
        return redirect("accounts:my_account")
    initial = {"role": request.GET.get("role")} if request.GET.get("role") in roles.SELF_SERVICE_ROLES else {}
    form = SignUpForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        if not ratelimit.hit("signup-ip", ratelimit.client_ip(request), limit=SIGN_UPS_PER_HOUR_PER_ADDRESS,
                             window_seconds=3600):
            form.add_error(None, TOO_MANY_SIGN_UPS)
        else:
            data = form.cleaned_data
            sign_up(email=data["email"], full_name=data["full_name"], password=data["password1"],
                    role=data["role"], organisation=data.get("organisation", ""))
            return redirect("accounts:signup_sent")
    return render(request, "accounts/signup.html", {"form": form}, status=400 if form.errors else 200)


def signup_sent(request):
    return render(request, "accounts/signup_sent.html")


def _pending_user(uidb64: str, token: str) -> User | None:
    try:
        pk = int(urlsafe_base64_decode(uidb64).decode())
    except (TypeError, ValueError, OverflowError, UnicodeDecodeError):
        return None
    user = User.objects.filter(pk=pk, email_confirmed=False).first()
    return user if user is not None and default_token_generator.check_token(user, token) else None


@require_http_methods(["GET", "POST"])
def confirm_signup(request, uidb64: str, token: str):
    """The emailed link: a button (so a mail scanner that follows links confirms nothing), then in."""
    user = _pending_user(uidb64, token)
    if user is None:
        return render(request, "accounts/signup_confirm.html", {"valid": False}, status=400)
    if request.method == "POST":
        confirm_sign_up(user)
        login(request, user, backend="accounts.backends.CachedPermissionsBackend")
        messages.success(request, gettext("Welcome! Your account is ready."))
        return redirect("accounts:my_account")
    return render(request, "accounts/signup_confirm.html", {"valid": True})


@login_required
@require_http_methods(["GET", "POST"])
@ratelimit.per_person("profile-save", limit=30)
def my_account(request):
    form = ProfileForm(request.POST if request.method == "POST" else None, instance=request.user)
    if request.method == "POST":
        if form.is_valid():
            form.save()
            messages.success(request, "Your details were saved.")
            return redirect("accounts:my_account")
        # The form wrote the rejected values onto request.user; show the saved ones elsewhere.
        request.user.refresh_from_db(fields=["full_name", "organisation", "phone"])
    return render(request, "accounts/my_account.html", {"form": form})


class SignInView(auth_views.LoginView):
    """Email and password; with single sign-on set up, the hospital account first."""

    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, sso_enabled=sso.enabled(),
                                        sso_failed=self.request.GET.get("sso") == "failed")


class SignOutView(auth_views.LogoutView):
    """Sign out (POST only, like Django's) and say so on the next page."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, gettext("You are signed out."))
        return response


class ResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        password_was_reset(form.user)
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = PortalPasswordChangeForm
    success_url = reverse_lazy("accounts:my_account")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, "Your password was changed.")
        return response
