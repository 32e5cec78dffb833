from __future__ import annotations

import re

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, PasswordResetForm
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from common import ratelimit
from notifications.services import queue_email

from . import roles
from .lockout import TOO_MANY_FROM_ADDRESS
from .models import User

ROLE_CHOICES = [
    (roles.PATIENT, _("Patient or volunteer: I want to find a study to take part in")),
    (roles.RESEARCHER, _("Researcher: I want consultations or biobank samples")),
    (roles.COLLABORATOR, _("Collaborator: I represent a partner organisation")),
]
# Roles whose people act for an organisation: they must say which one.
ORGANISATION_ROLES = (roles.RESEARCHER, roles.COLLABORATOR)

ORGANISATION_NEEDED = _("Tell us your department, institution or company.")
PHONE_INVALID = (
    "Enter a phone number of 7 to 20 digits. You may use spaces, +, - and brackets, "
    "for example +1 (603) 555-0142."
)
RESET_EMAILS_PER_HOUR = 3
_PHONE_CHARACTERS = re.compile(r"[0-9+\-() ]+")


def _helper(label: str) -> FormHelper:
    helper = FormHelper()
    helper.add_input(Submit("submit", label))
    return helper


def clean_phone_number(value: str) -> str:
    """A phone number a person can be called on: digits, spaces, +, -, brackets; 7-20 digits."""
    value = " ".join(value.split())
    if not value:
        return ""
    digits = sum(character.isdigit() for character in value)
    if not _PHONE_CHARACTERS.fullmatch(value) or not 7 <= digits <= 20:
        raise forms.ValidationError(PHONE_INVALID, code="invalid_phone")
    return value


class SignUpForm(forms.Form):
    role = forms.ChoiceField(
        label=_("I am signing up as"), choices=ROLE_CHOICES, widget=forms.RadioSelect,
        error_messages={"required": _("Choose what you are signing up as."),
                        "invalid_choice": _("Choose one of the three kinds of account.")},
    )
    full_name = forms.CharField(label=_("Full name"), max_length=150,
                                error_messages={"required": _("Enter your full name.")})
    email = forms.EmailField(
        label=_("Email address"), max_length=254,
        error_messages={"required": _("Enter your email address."),
                        "invalid": _("Enter an email address like name@example.org.")},
    )
    organisation = forms.CharField(
        label=_("Organisation"), max_length=200, required=False,
        help_text=_("Researchers and collaborators: your department, institution or company."),
    )
    password1 = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("Choose a password.")},
    )
    password2 = forms.CharField(
        label=_("Password again"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("Type the password again.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["full_name"].widget.attrs["autocomplete"] = "name"
        self.fields["organisation"].widget.attrs["autocomplete"] = "organization"
        # Built per form, so that the validators' rules read in the language of the page.
        self.fields["password1"].help_text = password_validation.password_validators_help_text_html()
        self.helper = _helper(_("Create my account"))

    def clean_email(self) -> str:
        # Whether the address has an account is never said here (the owner is told by email).
        return self.cleaned_data["email"].strip().lower()

    def clean(self):
        data = super().clean()
        if data.get("role") in ORGANISATION_ROLES and not data.get("organisation", "").strip():
            self.add_error("organisation", ORGANISATION_NEEDED)
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords do not match."))
        if p1:
            candidate = User(email=data.get("email", ""), full_name=data.get("full_name", ""))
            try:
                password_validation.validate_password(p1, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("Email address"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
        error_messages={"required": _("Enter your email address."),
                        "invalid": _("Enter an email address like name@example.org.")},
    )
    error_messages = {
        "invalid_login": _("That email address and password do not match an account. Check both and try again."),
        "inactive": _("This account is disabled. Contact the DCR office."),
    }

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError:
            if getattr(self.request, "signin_paused_for_address", False):
                raise forms.ValidationError(TOO_MANY_FROM_ADDRESS, code="address_paused") from None
            raise

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].label = _("Password")
        self.fields["password"].error_messages["required"] = _("Enter your password.")
        self.helper = _helper(_("Sign in"))


class OutboxPasswordResetForm(PasswordResetForm):
    """Password reset whose email goes through the outbox (sent by Celery after commit).

    An address without an account gets no email and the same "check your email" page, so the
    form does not tell who has an account.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].error_messages.update({
            "required": "Enter the email address of your account.",
            "invalid": "Enter an email address like name@example.org.",
        })
        self.fields["email"].label = "Email address"
        self.helper = _helper("Email me a reset link")

    def save(self, *args, **kwargs):
        # A few links an hour per address: enough for a person, too few to flood an inbox.
        # Past the limit nothing is sent and the page stays the same, so it tells nobody anything.
        if ratelimit.hit("password-reset", self.cleaned_data["email"], limit=RESET_EMAILS_PER_HOUR,
                         window_seconds=3600):
            super().save(*args, **kwargs)

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email,
                  html_email_template_name=None):
        # No name in the context: an email says what to do, never who the person is.
        queue_email(
            to_email,
            "password_reset",
            {"reset_path": reverse("accounts:password_reset_confirm", args=[context["uid"], context["token"]])},
        )


class PortalPasswordChangeForm(PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("Change my password")


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "organisation", "phone"]
        labels = {"full_name": "Full name", "organisation": "Organisation", "phone": "Phone (optional)"}
        help_texts = {"phone": "Only the DCR office sees it, to call you about your requests."}
        error_messages = {"full_name": {"required": "Enter your full name."}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["full_name"].widget.attrs["autocomplete"] = "name"
        self.fields["organisation"].widget.attrs["autocomplete"] = "organization"
        self.fields["phone"].widget.input_type = "tel"
        self.fields["phone"].widget.attrs["autocomplete"] = "tel"
        self.helper = _helper("Save changes")

    def clean_phone(self) -> str:
        return clean_phone_number(self.cleaned_data.get("phone", ""))

    def clean_organisation(self) -> str:
        organisation = self.cleaned_data.get("organisation", "").strip()
        if not organisation and roles.role_names(self.instance) & set(ORGANISATION_ROLES):
            raise forms.ValidationError(ORGANISATION_NEEDED, code="organisation_needed")
        return organisation
