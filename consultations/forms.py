from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Fieldset, Layout, Submit
from django import forms
from django.utils import timezone

from centers.models import Center, Service
from projects import selectors as project_selectors

from .attachments import CONTENT_TYPES, MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, MEGABYTE, validate_attachments
from .models import SPONSORED, ConsultationRequest, Status

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


class ConsultationRequestForm(forms.ModelForm):
    service = ServiceChoiceField(
        queryset=Service.objects.filter(active=True).select_related("center"),
        empty_label="Choose a service",
        error_messages={"required": "Choose the service you need.",
                        "invalid_choice": "Choose one of the services in the list."},
    )
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
            Fieldset("What you need", "service", "center", "project", "title", "summary"),
            Fieldset("Your study", "study_stage", "funding_status", "sponsor", "deadline"),
            Fieldset("Documents", "attachments"),
            HTML('<p class="small text-muted">We reply within two working days.</p>'),
        )
        self.helper.add_input(Submit("submit", "Send my request"))

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
