from __future__ import annotations

import re

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Layout, Submit
from django import forms

from .models import Inquiry

_PHONE = re.compile(r"^\+?[\d\s().-]{7,25}$")


class InquiryForm(forms.ModelForm):
    # Left empty by people; filled by bots that complete every field.
    website = forms.CharField(required=False, label="Leave this field empty",
                              widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}))

    class Meta:
        model = Inquiry
        fields = ["organisation", "kind", "contact_name", "contact_email", "contact_phone", "area", "proposal",
                  "confidential"]
        labels = {
            "contact_name": "Your name",
            "contact_email": "Your email address",
            "contact_phone": "Your phone (optional)",
            "confidential": "My proposal contains confidential information",
        }
        help_texts = {
            "confidential": "Only the member of the division who follows your inquiry will read it.",
            "proposal": "What would you like to do together? A few paragraphs are enough; "
                        "we will ask for details later.",
        }
        widgets = {"proposal": forms.Textarea(attrs={"rows": 6}), "kind": forms.RadioSelect}
        # Each message names what to fix: the form is checked here, not by the browser's own prompts.
        error_messages = {
            "organisation": {"required": "Give the name of your organisation.",
                             "max_length": "Keep the organisation's name to 200 characters or fewer."},
            "kind": {"invalid_choice": "Choose one of the kinds of partner listed."},
            "contact_name": {"required": "Tell us your name so that we know whom to reply to.",
                             "max_length": "Keep your name to 150 characters or fewer."},
            "contact_email": {"required": "Give your email address so that we can reply."},
            "area": {"required": "Choose the area of interest closest to your idea.",
                     "invalid_choice": "Choose one of the areas in the list."},
            "proposal": {"required": "Tell us about the collaboration you have in mind."},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", "Choose an area")] + list(Inquiry.Area.choices)
        self.fields["kind"].choices = list(Inquiry.Kind.choices)
        self.helper = FormHelper()
        self.helper.form_id = "partnership-form"
        self.helper.attrs = {"novalidate": ""}  # the server's messages name the field; the browser's do not
        self.helper.layout = Layout(
            "organisation", "kind", "contact_name", "contact_email", "contact_phone", "area", "proposal",
            "confidential", Field("website", wrapper_class="hp-field"),
        )
        self.helper.add_input(Submit("submit", "Send my inquiry"))

    def clean_contact_phone(self) -> str:
        phone = self.cleaned_data.get("contact_phone", "").strip()
        if phone and not _PHONE.match(phone):
            raise forms.ValidationError("Enter a phone number with digits only, e.g. +1 603 555 0100.")
        return phone

    def clean_proposal(self) -> str:
        proposal = self.cleaned_data.get("proposal", "").strip()
        if len(proposal) < 30:
            raise forms.ValidationError("Tell us a little more about the collaboration (at least 30 characters).")
        if len(proposal) > 10_000:
            raise forms.ValidationError("Keep the proposal under 10,000 characters; attach details later.")
        return proposal

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("website"))
