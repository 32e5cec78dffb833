from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from . import roles, work
from .forms import EMAIL_TAKEN, EmailAuthenticationForm, PortalPasswordChangeForm, ProfileForm, SignUpForm
from .services import EmailTaken, confirm_email, password_was_reset, register_user, send_email_confirmation


def _safe_next(request) -> str:
    """The ``next`` address of the request when it stays on this site; "" otherwise."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return target
    return ""


class SignInView(auth_views.LoginView):
    """Sign in; land on a safe ``next``, else on the person's own work (not the profile form)."""

    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        return work.landing_url(self.request.user)


@require_http_methods(["GET", "POST"])
def signup(request):
    if request.user.is_authenticated:
        return redirect("accounts:my_account")
    next_url = _safe_next(request)
    initial = {"role": request.GET.get("role")} if request.GET.get("role") in roles.SELF_SERVICE_ROLES else {}
    form = SignUpForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = register_user(
                email=data["email"], full_name=data["full_name"], password=data["password1"],
                role=data["role"], organisation=data.get("organisation", ""),
            )
        except EmailTaken:
            form.add_error("email", EMAIL_TAKEN)
        else:
            login(request, user, backend="accounts.backends.CachedPermissionsBackend")
            messages.success(request, gettext("Welcome! Your account is ready."))
            messages.info(request, gettext("We emailed you a link: open it to confirm your email address."))
            return redirect(next_url or "accounts:my_account")
    return render(request, "accounts/signup.html", {"form": form, "next": next_url})


@require_http_methods(["GET", "POST"])
def verify_email(request, token: str):
    """The link of the confirmation email: a button that confirms (a mail scanner only reads the page)."""
    if request.method == "GET":
        return render(request, "accounts/verify_email.html", {"token": token})
    try:
        user = confirm_email(token)
    except ValidationError as error:
        return render(request, "accounts/verify_email.html", {"token": token, "problem": " ".join(error.messages)},
                      status=400)
    messages.success(request, gettext("Thank you: your email address is confirmed."))
    if request.user.is_authenticated and request.user.pk == user.pk:
        return redirect(work.landing_url(user))
    return redirect(f"{reverse('accounts:login')}?next={reverse('accounts:start')}")


@login_required
@require_POST
def send_confirmation(request):
    try:
        send_email_confirmation(request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, gettext("We sent a new link to your email address: open it to confirm the "
                                          "address."))
    return redirect(_safe_next(request) or "accounts:my_account")


@login_required
def start(request):
    """The person's own work (where signing in lands), for links that want "my work"."""
    return redirect(work.landing_url(request.user))


@login_required
@require_http_methods(["GET", "POST"])
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
