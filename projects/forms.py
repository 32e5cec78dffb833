from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout, Submit
from django import forms

from .models import AccessRequest, Project, Rights, Role

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
_NOT_PI = [choice for choice in Role.choices if choice[0] != Role.PI]


def _helper(label: str) -> FormHelper:
    helper = FormHelper()
    helper.add_input(Submit("submit", label))
    return helper


class ProjectForm(forms.ModelForm):
    pi_email = forms.EmailField(
        label="Principal investigator's email (optional)", required=False,
        help_text="Leave empty if you are the PI. Otherwise the PI must have a researcher account; "
                  "you join the team as coordinator with edit rights.",
        error_messages={"invalid": "Enter the PI's email address, for example name@hospital.org."})

    class Meta:
        model = Project
        fields = ["title", "irb_number", "funding_type", "funding_source", "sponsor", "start_date", "end_date"]
        labels = {"title": "Title of the project or study", "funding_type": "Who funds it"}
        widgets = {"start_date": _DATE, "end_date": _DATE}
        error_messages = {
            "title": {"required": "Give the project a title."},
            "start_date": {"invalid": "Enter the start date as a date, for example 2026-12-31."},
            "end_date": {"invalid": "Enter the end date as a date, for example 2026-12-31."},
        }

    def __init__(self, *args, creating: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not creating:
            del self.fields["pi_email"]
        fields = ["title", "pi_email", "irb_number"] if creating else ["title", "irb_number"]
        self.helper = _helper("Create the project" if creating else "Save the project")
        self.helper.layout = Layout(
            Fieldset("The project", *fields),
            Fieldset("Funding and dates", "funding_type", "funding_source", "sponsor", "start_date", "end_date"))

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "The end date cannot be before the start date.")
        return data


class MemberForm(forms.Form):
    email = forms.EmailField(label="Their email", error_messages={
        "required": "Enter the email of the researcher to add.",
        "invalid": "Enter an email address, for example name@hospital.org."})
    role = forms.ChoiceField(choices=_NOT_PI, initial=Role.COORDINATOR)
    rights = forms.ChoiceField(choices=Rights.choices, initial=Rights.REQUEST)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("Add to the team")


class MemberChangeForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)
    rights = forms.ChoiceField(choices=Rights.choices)


class FindForm(forms.Form):
    irb = forms.CharField(label="IRB number", max_length=40, error_messages={
        "required": "Enter the IRB number of the study you work on."})


class AccessRequestForm(forms.ModelForm):
    class Meta:
        model = AccessRequest
        fields = ["role", "rights", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}
        error_messages = {"note": {"required": "Tell the team who you are and why you need access."}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = _NOT_PI
        self.helper = _helper("Ask to join")
