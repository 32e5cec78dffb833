from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.validators import MaxLengthValidator

from centers.models import FundingType, Service

_COST = {"min_value": "A cost cannot be negative.", "invalid": "Enter the cost as a number, for example 125.50.",
         "max_digits": "Enter a cost under 100,000,000."}


class BudgetForm(forms.Form):
    title = forms.CharField(max_length=200, error_messages={"required": "Give the budget a title."})
    sponsor_type = forms.ChoiceField(choices=FundingType.choices, label="Sponsor type",
                                     help_text="Sets the F&A (overhead) rate and the catalogue prices used.")
    fa_rate = forms.DecimalField(label="F&A rate (%) (optional)", required=False, min_value=0, max_value=200,
                                 decimal_places=2, help_text="Leave empty for the usual rate of the sponsor type.",
                                 error_messages={"min_value": "The F&A rate cannot be negative.",
                                                 "max_value": "Enter an F&A rate of at most 200%."})
    consultation = forms.ModelChoiceField(queryset=None, required=False, label="Budgeting consultation (optional)",
                                          empty_label="None")

    def __init__(self, *args, consultations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consultation"].queryset = consultations

    def clean_fa_rate(self):
        rate = self.cleaned_data.get("fa_rate")
        return None if rate is None else (rate / Decimal(100)).quantize(Decimal("0.0001"))


class ArmForm(forms.Form):
    name = forms.CharField(max_length=100, error_messages={"required": "Name the arm."})
    patients = forms.IntegerField(min_value=0, max_value=100000, initial=0,
                                  error_messages={"min_value": "Patients cannot be negative."})
    screen_failures = forms.IntegerField(min_value=0, max_value=100000, initial=0,
                                         error_messages={"min_value": "Screen failures cannot be negative."})


class VisitForm(forms.Form):
    name = forms.CharField(max_length=60, label="Visit name", error_messages={"required": "Name the visit."})


class ProcedureForm(forms.Form):
    service = forms.ModelChoiceField(queryset=Service.objects.filter(active=True), required=False,
                                     label="From the catalogue", empty_label="None: I type it below")
    name = forms.CharField(max_length=120, required=False, label="Or its name")
    unit_cost = forms.DecimalField(max_digits=10, decimal_places=2, min_value=0, required=False,
                                   label="Cost of one (USD)", error_messages=_COST,
                                   help_text="Leave empty for a catalogue service: its price is used.")


class RenameForm(forms.Form):
    """The new name of an arm, visit or procedure (as long as that kind of name may be)."""

    name = forms.CharField(label="New name")

    def __init__(self, *args, part, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["name"]
        field.max_length = type(part)._meta.get_field("name").max_length
        field.validators.append(MaxLengthValidator(field.max_length))
        field.widget.attrs["maxlength"] = str(field.max_length)
        field.initial = part.name
        field.error_messages["required"] = "Give it a name."
