"""The staff desk's form for splitting a sample."""

from __future__ import annotations

from django import forms

from ..models import Derivation, SampleType, Unit


class SplitForm(forms.Form):
    kind = forms.ChoiceField(label="Make", choices=[(Derivation.ALIQUOT, "Aliquots (same type)"),
                                                    (Derivation.DERIVATIVE, "Derivatives (a new type)")],
                             widget=forms.RadioSelect, initial=Derivation.ALIQUOT)
    count = forms.IntegerField(label="How many", min_value=1, max_value=96, initial=2)
    taken_each = forms.DecimalField(label="Taken from the parent, each", min_value=0.001, max_digits=10,
                                    decimal_places=3, help_text="In the parent's unit.")
    sample_type = forms.ChoiceField(label="Derivative type", required=False,
                                    choices=[("", "—"), *SampleType.choices],
                                    help_text="Derivatives only: e.g. DNA or plasma from whole blood.")
    product_each = forms.DecimalField(label="Each derivative holds", required=False, min_value=0.001, max_digits=10,
                                      decimal_places=3, help_text="Derivatives only.")
    unit = forms.ChoiceField(label="Unit of the derivative", required=False, choices=[("", "—"), *Unit.choices])
    reason = forms.CharField(label="Why", required=False, max_length=100, help_text="Kept in the history.")
