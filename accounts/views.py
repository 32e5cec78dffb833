from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from . import roles
from .forms import EMAIL_TAKEN, PortalPasswordChangeForm, ProfileForm, SignUpForm
from .services import EmailTaken, password_was_reset, register_user


@require_http_methods(["GET", "POST"])
def signup(request):
    if request.user.is_authenticated:
        return redirect("accounts:my_account")
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
            return redirect("accounts:my_account")
    return render(request, "accounts/signup.html", {"form": form})


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
