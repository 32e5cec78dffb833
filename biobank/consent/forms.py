"""The staff desk's consent forms: an answer to one statement, or its withdrawal."""

from __future__ import annotations

from django import forms

from ..models import ConsentAnswer, ConsentUse


class AnswerForm(forms.Form):
    code = forms.ChoiceField(label="Statement", choices=ConsentUse.choices)
    answer = forms.ChoiceField(label="Answer", choices=ConsentAnswer.choices)
    answered_on = forms.DateField(label="Form signed on", required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}))
    form_version = forms.CharField(label="Form version", required=False, max_length=20,
                                   help_text="As printed on the form, e.g. v3.")


class WithdrawStatementForm(forms.Form):
    code = forms.ChoiceField(label="Statement withdrawn", choices=ConsentUse.choices)
    withdrawn_on = forms.DateField(label="Withdrawn on", widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label="As the participant put it", required=False, max_length=80)
