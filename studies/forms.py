from __future__ import annotations

import re
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Field, Fieldset, Layout, Submit
from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import selectors
from .models import Bed, Interest, PrescreenQuestion, Study
from .note_models import NOTE_MAX_LENGTH
from .services import allowed_moves, check_period

PHONE_PATTERN = re.compile(r"^\+?[\d\s().-]+$")
YES_NO_CHOICES = [("yes", _("Yes")), ("no", _("No")), ("unsure", _("I'm not sure"))]
HONEYPOT_FIELD = "website"


def question_field_name(question: PrescreenQuestion) -> str:
    return f"question_{question.pk}"


class InterestForm(forms.Form):
    """ "I'm interested": who the person is, how to reach them, and the study's pre-screen questions."""

    name = forms.CharField(label=_("Your name"), max_length=150,
                           error_messages={"required": _("Tell us your name so the study team knows whom to ask for."),
                                           "max_length": _("Keep your name to 150 characters or fewer.")})
    email = forms.EmailField(label=_("Email address"), required=False, max_length=254,
                             error_messages={"invalid": _("Enter an email address like name@example.com."),
                                             "max_length": _("This email address is too long: 254 characters at most.")})
    phone = forms.CharField(label=_("Phone number"), required=False, max_length=32,
                            help_text=_("Give an email address, a phone number or both."),
                            error_messages={"max_length": _("Keep the phone number to 32 characters or fewer.")})
    preferred_contact = forms.ChoiceField(label=_("How should the team contact you?"),
                                          choices=Interest.ContactBy.choices, initial=Interest.ContactBy.EMAIL,
                                          widget=forms.RadioSelect,
                                          error_messages={"required": _("Choose email or phone."),
                                                          "invalid_choice": _("Choose email or phone.")})
    best_time = forms.ChoiceField(label=_("Best time to reach you"), choices=Interest.BestTime.choices,
                                  initial=Interest.BestTime.ANY,
                                  error_messages={"required": _("Choose the best time to reach you."),
                                                  "invalid_choice": _("Choose one of the times in the list.")})
    consent_to_contact = forms.BooleanField(
        label=_("I agree that the study team may contact me about this study."),
        help_text=_("They will only use your details for this study. Sending this form does not sign you up."),
        error_messages={"required": _("Tick this box so the study team may contact you; without it they cannot.")})
    # Honeypot: looks like a real field to a robot, hidden from people (and from screen readers).
    website = forms.CharField(label="Website", required=False, max_length=200)

    def __init__(self, *args, study: Study, questions: list[PrescreenQuestion] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.study = study
        self.questions = list(questions if questions is not None else study.questions.all())
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["phone"].widget.attrs.update(autocomplete="tel", inputmode="tel")
        self.fields[HONEYPOT_FIELD].widget.attrs.update(autocomplete="off", tabindex="-1")
        for question in self.questions:
            self.fields[question_field_name(question)] = self._question_field(question)
        question_fields = [question_field_name(q) for q in self.questions]
        self.helper = FormHelper()
        self.helper.form_id = "interest-form"
        # After a mistake the page opens at the form, not at the top of a long study page.
        self.helper.form_action = f"{study.get_absolute_url()}#interested"
        self.helper.attrs = {"novalidate": ""}  # the server's messages are clearer than the browser's
        self.helper.layout = Layout(
            Fieldset(gettext("About you"), "name", "email", "phone", "preferred_contact", "best_time"),
            Fieldset(gettext("A few questions"), *question_fields) if question_fields else HTML(""),
            Field("consent_to_contact"),
            Div(HONEYPOT_FIELD, css_class="d-none", aria_hidden="true"),
            Submit("submit", gettext("Send: I'm interested"), css_class="btn-lg"),
        )

    @staticmethod
    def _question_field(question: PrescreenQuestion) -> forms.Field:
        if question.kind == PrescreenQuestion.Kind.NUMBER:
            low, high = question.min_value, question.max_value
            if low is not None and high is not None:
                hint = gettext("Enter a number from %(low)s to %(high)s.") % {"low": low, "high": high}
            elif low is not None:
                hint = gettext("Enter a number of at least %(low)s.") % {"low": low}
            elif high is not None:
                hint = gettext("Enter a number no higher than %(high)s.") % {"high": high}
            else:
                hint = gettext("Enter a whole number, e.g. 3.")
            field = forms.IntegerField(label=question.shown_text, min_value=low, max_value=high, error_messages={
                "required": _("Answer this question with a number."), "invalid": hint,
                "min_value": hint, "max_value": hint})
            field.widget.attrs["inputmode"] = "numeric"
            return field
        return forms.ChoiceField(label=question.shown_text, choices=YES_NO_CHOICES, widget=forms.RadioSelect,
                                 error_messages={"required": _("Choose yes, no or I'm not sure."),
                                                 "invalid_choice": _("Choose yes, no or I'm not sure.")})

    def clean_phone(self) -> str:
        phone = self.cleaned_data.get("phone", "").strip()
        if phone and (not PHONE_PATTERN.match(phone) or len(re.sub(r"\D", "", phone)) < 7):
            raise forms.ValidationError(_("Enter a phone number with at least 7 digits, e.g. 617 555 0123."))
        return phone

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        email, phone = data.get("email"), data.get("phone")
        if not email and not phone and "email" not in self.errors and "phone" not in self.errors:
            self.add_error("email", _("Give an email address or a phone number so the study team can reach you."))
        elif data.get("preferred_contact") == Interest.ContactBy.PHONE and not phone and "phone" not in self.errors:
            self.add_error("phone", _("You chose to be called: give a phone number, or choose email."))
        elif data.get("preferred_contact") == Interest.ContactBy.EMAIL and not email and "email" not in self.errors:
            self.add_error("email", _("You chose email: give an email address, or choose phone."))
        return data

    @property
    def is_honeypot_tripped(self) -> bool:
        return bool(self.data.get(HONEYPOT_FIELD, "").strip())

    def clear_honeypot(self) -> None:
        """Re-render without the hidden field's value, so a person sending again gets through."""
        self.data = self.data.copy()
        self.data[HONEYPOT_FIELD] = ""

    def answers(self) -> dict[str, dict[str, Any]]:
        """Answers keyed by question id, with the question as it was asked."""
        return {
            str(q.pk): {"question": q.text, "kind": q.kind, "answer": self.cleaned_data.get(question_field_name(q))}
            for q in self.questions
        }


class BookingForm(forms.Form):
    """Book a TRC bed: a study, admission and discharge, and a bed (the first free one by default)."""

    DATETIME_FORMAT = "%Y-%m-%dT%H:%M"

    study = forms.ModelChoiceField(queryset=Study.objects.none(), label="Study",
                                   error_messages={"required": "Choose the study the bed is for.",
                                                   "invalid_choice": "Choose one of your studies."})
    admission = forms.DateTimeField(label="Admission", input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M"],
                                    widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
                                    error_messages={"required": "Give the admission date and time.",
                                                    "invalid": "Enter a date and time, e.g. 2026-03-02 08:00."})
    discharge = forms.DateTimeField(label="Discharge", input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M"],
                                    widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
                                    error_messages={"required": "Give the discharge date and time.",
                                                    "invalid": "Enter a date and time, e.g. 2026-03-04 12:00."})
    bed = forms.ModelChoiceField(queryset=Bed.objects.order_by("number"), required=False, label="Bed",
                                 empty_label="First free bed", help_text="Leave on “First free bed” to take the lowest free number.")
    note = forms.CharField(label="Note for the ward", required=False, max_length=200,
                           help_text="No patient names or details.")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["study"].queryset = selectors.bookable_studies(user)
        self.fields["study"].label_from_instance = lambda study: f"{study.short_label}: {study.lay_title}"
        self.helper = FormHelper()
        self.helper.form_id = "booking-form"
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            "study",
            Div(Div("admission", css_class="col-sm-6"), Div("discharge", css_class="col-sm-6"), css_class="row"),
            "bed", "note",
            HTML('<div class="d-flex flex-wrap gap-2">'
                 '<button type="submit" name="action" value="check" class="btn btn-outline-primary">Find free beds</button>'
                 '<button type="submit" name="action" value="book" class="btn btn-primary">Book the bed</button></div>'),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("admission"), data.get("discharge")
        if start and end:
            try:
                check_period(start, end)
            except forms.ValidationError as error:
                self.add_error("discharge", error)
        return data


class IneligibleReasonForm(forms.Form):
    reason = forms.CharField(label="Why are they not eligible?", widget=forms.Textarea(attrs={"rows": 3}),
                             max_length=1000, help_text="Kept with the inquiry's history; never emailed.",
                             error_messages={"required": "Say why the person is not eligible."})


def move_choices(interest: Interest) -> list[tuple[str, str]]:
    """(status, label) of the moves ``interest`` may make now."""
    return [(value, Interest.Status(value).label) for value in allowed_moves(interest.status)]


class MoveForm(forms.Form):
    """Move one inquiry on the team page."""

    to = forms.ChoiceField(label="Mark as")
    reason = forms.CharField(label="Reason", required=False, max_length=1000,
                             help_text="Required for ineligible.")

    def __init__(self, *args, interest: Interest, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = move_choices(interest)
        self.fields["to"].error_messages["invalid_choice"] = "That move is not possible for this inquiry any more."


class NoteForm(forms.Form):
    """A team member's note on one inquiry (protected: never emailed)."""

    text = forms.CharField(label="New note", widget=forms.Textarea(attrs={"rows": 3}), max_length=NOTE_MAX_LENGTH,
                           help_text="Seen only by the study team; every read is logged. Never emailed.",
                           error_messages={"required": "Write the note before saving it.",
                                           "max_length": f"Keep the note to {NOTE_MAX_LENGTH:,} characters or fewer."})


class TeamStudySearchForm(forms.Form):
    """Search and sort the list of a team's studies."""

    q = forms.CharField(label="Search my studies", required=False, max_length=200,
                        help_text="Title, short name, NCT number or IRB protocol.")
    sort = forms.ChoiceField(label="Sort by", required=False,
                             choices=[(key, label) for key, (label, _) in selectors.TEAM_SORTS.items()])

    def search(self) -> tuple[str, str]:
        """(search text, sort key) from valid input; an unknown sort falls back to the default."""
        if not self.is_valid():
            return "", "new"
        return self.cleaned_data["q"] or "", self.cleaned_data["sort"] or "new"
