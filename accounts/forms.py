from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.urls import reverse

from notifications.services import queue_email

from . import roles
from .models import User

ROLE_CHOICES = [
    (roles.PATIENT, "Patient or volunteer: I want to find a study to take part in"),
    (roles.RESEARCHER, "Researcher: I want consultations or biobank samples"),
    (roles.COLLABORATOR, "Collaborator: I represent a partner organisation"),
]


class SignUpForm(forms.Form):
    role = forms.ChoiceField(label="I am signing up as", choices=ROLE_CHOICES, widget=forms.RadioSelect)
    full_name = forms.CharField(label="Full name", max_length=150)
    email = forms.EmailField(label="Email address", max_length=254)
    organisation = forms.CharField(
        label="Organisation", max_length=200, required=False,
        help_text="Researchers and collaborators: your department, institution or company.",
    )
    password1 = forms.CharField(
        label="Password", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label="Password again", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["full_name"].widget.attrs["autocomplete"] = "name"
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "Create my account"))

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                "An account with this email address already exists. Sign in, or reset your password."
            )
        return email

    def clean(self):
        data = super().clean()
        if data.get("role") in (roles.RESEARCHER, roles.COLLABORATOR) and not data.get("organisation", "").strip():
            self.add_error("organisation", "Tell us your department, institution or company.")
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", "The two passwords do not match.")
        if p1:
            candidate = User(email=data.get("email", ""), full_name=data.get("full_name", ""))
            try:
                password_validation.validate_password(p1, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(label="Email address", widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}))
    error_messages = {
        "invalid_login": "That email address and password do not match an account. Check both and try again.",
        "inactive": "This account is disabled. Contact the DCR office.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "Sign in"))


class OutboxPasswordResetForm(PasswordResetForm):
    """Password reset whose email goes through the outbox (sent by Celery after commit)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "Email me a reset link"))

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email,
                  html_email_template_name=None):
        user = context["user"]
        queue_email(
            to_email,
            "password_reset",
            {
                "reset_path": reverse("accounts:password_reset_confirm", args=[context["uid"], context["token"]]),
                "first_name": user.get_short_name(),
            },
        )


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "organisation", "phone"]
        labels = {"phone": "Phone (optional)"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "Save changes"))
