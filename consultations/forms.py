from __future__ import annotations

from decimal import Decimal

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Fieldset, Layout, Submit
from django import forms
from django.utils import timezone

from centers.models import Center, Service
from projects import selectors as project_selectors

from .attachments import CONTENT_TYPES, MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, MEGABYTE, validate_attachments
from .models import LINE_MOVES, SPONSORED, ConsultationRequest, Status

MIN_SUMMARY_LENGTH = 20


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field that takes several files at once (cleaned to a list)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        uploads = data if isinstance(data, (list, tuple)) else [data] if data else []
        return [super(MultipleFileField, self).clean(upload, initial) for upload in uploads]


class ServiceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, service: Service) -> str:
        return f"{service.name} ({service.center.name})"


_QUANTITY_HELP = ("In the service's unit (hours, submissions, patient visits or samples). "
                  "Leave it empty for the usual amount.")


def _quantity_field(label: str) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, required=False, min_value=Decimal("0.25"), max_value=Decimal("9999"), decimal_places=2,
        help_text=_QUANTITY_HELP, error_messages={
            "min_value": "Enter a quantity of at least 0.25.", "max_value": "Enter a quantity under 10,000.",
            "invalid": "Enter the quantity as a number, for example 10.",
            "max_decimal_places": "Enter the quantity with at most two decimals."})


class ConsultationRequestForm(forms.ModelForm):
    service = ServiceChoiceField(
        queryset=Service.objects.filter(active=True).select_related("center"),
        empty_label="Choose a service",
        error_messages={"required": "Choose the service you need.",
                        "invalid_choice": "Choose one of the services in the list."},
    )
    quantity = _quantity_field("How much (optional)")
    center = forms.ModelChoiceField(
        queryset=Center.objects.filter(active=True).only("id", "name"), required=False,
        label="Preferred centre or unit (optional)",
        empty_label="No preference: the centre that provides the service",
        error_messages={"invalid_choice": "Choose one of the centres in the list."},
    )
    project = forms.ModelChoiceField(
        queryset=None, required=False, label="Project or study (optional)",
        empty_label="None: only I follow this request",
        help_text="The team of the project follows the request with you. Projects where you may request services "
                  "are listed.",
        error_messages={"invalid_choice": "Choose one of your projects in the list (you need request rights on it)."},
    )
    attachments = MultipleFileField(
        required=False, label="Attach files (optional)",
        help_text=(f"A draft protocol, aims page or budget helps us prepare. Up to {MAX_ATTACHMENTS} PDF or "
                   f"Word (.docx) files, {MAX_ATTACHMENT_BYTES // MEGABYTE} MB each at the most."),
    )

    class Meta:
        model = ConsultationRequest
        fields = ["service", "center", "project", "title", "summary", "study_stage", "funding_status", "sponsor",
                  "deadline"]
        labels = {
            "title": "Title of your project",
            "summary": "Project summary",
            "study_stage": "Where is your study now?",
            "funding_status": "Funding",
            "sponsor": "Sponsor or funder",
            "deadline": "Deadline (optional)",
        }
        help_texts = {
            "summary": "What you want to do and what you need from us. Do not include patients' names or other "
                       "identifying details.",
            "sponsor": "Required when the study is funded or sponsored.",
            "deadline": "A grant or submission date we should work towards.",
        }
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 6}),
            "deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        error_messages = {
            "title": {"required": "Give your project a title."},
            "summary": {"required": "Tell us about your project and what you need."},
            "study_stage": {"required": "Choose where your study is now."},
            "funding_status": {"required": "Choose how the study is funded."},
            "deadline": {"invalid": "Enter the deadline as a date, for example 2026-12-31."},
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = project_selectors.projects_of(user, project_selectors.Rights.REQUEST) \
            .select_related(None).only("id", "title")
        self.fields["study_stage"].choices = [("", "Choose a stage")] + list(self.fields["study_stage"].choices)[1:]
        self.fields["funding_status"].choices = [("", "Choose one")] + list(self.fields["funding_status"].choices)[1:]
        self.fields["attachments"].widget.attrs["accept"] = ",".join([*CONTENT_TYPES, *CONTENT_TYPES.values()])
        self.fields["deadline"].widget.attrs["min"] = timezone.localdate().isoformat()
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Fieldset("What you need", "service", "quantity", "center", "project",
                     HTML('{% include "consultations/_more_services.html" %}'), "title", "summary"),
            Fieldset("Your study", "study_stage", "funding_status", "sponsor", "deadline"),
            Fieldset("Documents", "attachments"),
            HTML('<p class="small text-muted">We reply within two working days.</p>'),
        )
        self.helper.form_tag = False  # the page's form also holds the other services (MoreServicesFormSet)

    def clean_summary(self) -> str:
        summary = self.cleaned_data["summary"].strip()
        if len(summary) < MIN_SUMMARY_LENGTH:
            raise forms.ValidationError(
                f"Tell us a little more: at least {MIN_SUMMARY_LENGTH} characters about the project and what you need.")
        return summary

    def clean_deadline(self):
        deadline = self.cleaned_data.get("deadline")
        if deadline and deadline < timezone.localdate():
            raise forms.ValidationError("The deadline cannot be in the past. Leave it empty if there is none.")
        return deadline

    def clean_attachments(self):
        uploads = self.cleaned_data.get("attachments") or []
        validate_attachments(uploads)
        return uploads

    def clean(self):
        data = super().clean()
        if data.get("funding_status") in SPONSORED and not (data.get("sponsor") or "").strip():
            self.add_error("sponsor", "Name the sponsor or funder of the study.")
        return data


class MoreServiceForm(forms.Form):
    """One more service of the same request."""

    service = ServiceChoiceField(
        queryset=Service.objects.filter(active=True).select_related("center"), required=False,
        empty_label="Choose a service", label="Service",
        error_messages={"invalid_choice": "Choose one of the services in the list."})
    quantity = _quantity_field("How much")

    def clean(self):
        data = super().clean()
        if data.get("quantity") and not data.get("service"):
            self.add_error("service", "Choose the service this quantity is for, or clear the quantity.")
        return data


class BaseMoreServicesFormSet(forms.BaseFormSet):
    def __init__(self, *args, first_service=None, **kwargs):
        self.first_service = first_service
        super().__init__(*args, **kwargs)

    def clean(self):
        seen = {self.first_service.pk} if self.first_service else set()
        for number, form in enumerate(self.forms, start=2):
            service = getattr(form, "cleaned_data", {}).get("service")
            if service is None:
                continue
            if service.pk in seen:
                form.add_error("service", f"Service {number}: {service.name} is already in the request; "
                                          "change its quantity instead.")
            seen.add(service.pk)

    def wanted(self) -> list[tuple]:
        return [(form.cleaned_data["service"], form.cleaned_data.get("quantity")) for form in self.forms
                if form.cleaned_data.get("service")]


MoreServicesFormSet = forms.formset_factory(MoreServiceForm, formset=BaseMoreServicesFormSet, extra=3, max_num=9,
                                            validate_max=True)


class MessageForm(forms.Form):
    body = forms.CharField(
        label="Your message", max_length=5000, widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Write a message first.",
                        "max_length": "Keep the message under 5,000 characters (it has %(show_value)d)."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "Send message"))


class WithdrawForm(forms.Form):
    note = forms.CharField(label="Why are you withdrawing it? (optional)", required=False, max_length=1000,
                           widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "Yes, withdraw my request", css_class="btn-danger"))


# --- staff forms (admin intermediate pages) ---------------------------------------------------

class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(queryset=None, label="Assign to", empty_label="Choose a consultant",
                                      error_messages={"required": "Choose who the requests go to."})
    note = forms.CharField(label="Note (optional)", required=False, max_length=1000,
                           widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
                           help_text="Shown to the researcher in the request's history.")

    def __init__(self, *args, staff=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = staff


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label="Reason for declining", max_length=2000, widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text="The researcher reads it when they sign in (it is not put in the email).",
        error_messages={"required": "Give the researcher a reason for declining."},
    )


class ChangeStatusForm(forms.Form):
    to_status = forms.ChoiceField(label="New status", error_messages={
        "required": "Choose the new status.",
        "invalid_choice": "The request cannot move to “%(value)s” from its current status."})
    assignee = forms.ModelChoiceField(queryset=None, required=False, label="Consultant",
                                      help_text="Needed when the new status is “Assigned”.")
    note = forms.CharField(label="Note", required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
                           help_text="Shown to the researcher in the request's history; required when declining.")

    def __init__(self, *args, consultation: ConsultationRequest, staff, **kwargs):
        super().__init__(*args, **kwargs)
        moves = [m for m in consultation.allowed_moves() if m != Status.WITHDRAWN]
        self.fields["to_status"].choices = [("", "Choose")] + [(m, Status(m).label) for m in moves]
        if Status.ASSIGNED in moves:
            self.fields["assignee"].queryset = staff
            self.fields["assignee"].initial = consultation.assignee_id
        else:
            del self.fields["assignee"]

    def clean(self):
        data = super().clean()
        if data.get("to_status") == Status.ASSIGNED and not data.get("assignee"):
            self.add_error("assignee", "Choose who the request is assigned to.")
        if data.get("to_status") == Status.DECLINED and not (data.get("note") or "").strip():
            self.add_error("note", "Give the researcher a reason for declining.")
        return data


class LineMoveForm(ChangeStatusForm):
    """Staff move one service of a request: triage, assign, start, hold, complete or decline it."""

    def __init__(self, *args, line, staff, **kwargs):
        forms.Form.__init__(self, *args, **kwargs)  # the request's own moves do not apply to a line
        moves = [m for m in LINE_MOVES.allowed(line.status) if m != Status.WITHDRAWN]
        self.fields["to_status"].choices = [("", "Choose")] + [(m, Status(m).label) for m in moves]
        self.fields["to_status"].error_messages["invalid_choice"] = (
            "This service cannot move to “%(value)s” from its current status.")
        self.fields["assignee"].queryset = staff
        self.fields["assignee"].initial = line.assignee_id


class SurveyForm(forms.Form):
    score = forms.TypedChoiceField(
        label="How satisfied are you with the help you received?", coerce=int, widget=forms.RadioSelect,
        choices=[(5, "5 - Excellent"), (4, "4 - Good"), (3, "3 - Fair"), (2, "2 - Poor"), (1, "1 - Very poor")],
        error_messages={"required": "Choose a score from 1 to 5.",
                        "invalid_choice": "Choose a score from 1 to 5."})
    comment = forms.CharField(label="What should we improve? (optional)", required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "Send my answer"))
