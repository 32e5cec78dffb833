"""Forms of study alerts: a visitor's address, and a person's name and frequency for an alert."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .alert_models import StudyAlert


class VisitorAlertForm(forms.Form):
    search = forms.CharField(widget=forms.HiddenInput, required=False, max_length=600)
    email = forms.EmailField(label=_("Your email address"), max_length=254,
                             error_messages={"required": _("Enter the email address the alerts should go to."),
                                             "invalid": _("Enter an email address like name@example.org.")})
    frequency = forms.ChoiceField(label=_("How often"), choices=StudyAlert.Frequency.choices,
                                  initial=StudyAlert.Frequency.WEEKLY,
                                  widget=forms.RadioSelect(attrs={"class": "form-check-input"}))


class AlertSettingsForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120,
                           error_messages={"required": _("Give the alert a name, e.g. “Asthma studies near me”.")})
    frequency = forms.ChoiceField(label=_("How often"), choices=StudyAlert.Frequency.choices)
