from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import sso, two_step, views
from .forms import OutboxPasswordResetForm

app_name = "accounts"

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("signup/sent/", views.signup_sent, name="signup_sent"),
    path("signup/confirm/<uidb64>/<token>/", views.confirm_signup, name="confirm_signup"),
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", views.SignOutView.as_view(), name="logout"),
    path("sso/", sso.StartView.as_view(), name="sso_start"),
    path("sso/callback/", sso.CallbackView.as_view(), name="sso_callback"),
    path("me/", views.my_account, name="my_account"),
    path("me/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("me/two-step/", two_step.setup, name="two_step"),
    path("me/two-step/recovery-codes/", two_step.recovery_codes, name="recovery_codes"),
    path("login/code/", two_step.verify, name="two_step_verify"),
    path("password-reset/", auth_views.PasswordResetView.as_view(
        template_name="accounts/password_reset.html", form_class=OutboxPasswordResetForm,
        success_url=reverse_lazy("accounts:password_reset_done")), name="password_reset"),
    path("password-reset/sent/", auth_views.PasswordResetDoneView.as_view(
        template_name="accounts/password_reset_done.html"), name="password_reset_done"),
    path("reset/<uidb64>/<token>/", views.ResetConfirmView.as_view(), name="password_reset_confirm"),
    path("reset/done/", auth_views.PasswordResetCompleteView.as_view(
        template_name="accounts/password_reset_complete.html"), name="password_reset_complete"),
]
