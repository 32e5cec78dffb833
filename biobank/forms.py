from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row, Submit
from django import forms
from django.core.validators import RegexValidator
from django.utils import timezone

from . import crypto
from .criteria import NO, YES, CohortCriteria
from .models import (
    REQUESTABLE_USES,
    ConsentUse,
    EARLIEST_BIRTH_YEAR,
    IRB_PROTOCOL_PATTERN,
    ImportJob,
    Participant,
    Sample,
    SampleType,
    Sex,
    StorageContainer,
)
from .storage import selectors as storage_selectors
from .storage import services as storage_services

EITHER = ""
CRITERIA_FIELDS = ("sample_type", "sex", "birth_year_min", "birth_year_max", "genotyped", "recontact", "uses")


class CohortForm(forms.Form):
    """The cohort query; also the criteria part of both request forms."""

    sample_type = forms.ChoiceField(label="Sample type", required=False,
                                    choices=[(EITHER, "Any type"), *SampleType.choices])
    sex = forms.ChoiceField(label="Sex", required=False, choices=[(EITHER, "Any"), *Sex.choices])
    birth_year_min = forms.IntegerField(label="Born in or after", required=False, min_value=EARLIEST_BIRTH_YEAR,
                                        widget=forms.NumberInput(attrs={"placeholder": "e.g. 1950"}))
    birth_year_max = forms.IntegerField(label="Born in or before", required=False, min_value=EARLIEST_BIRTH_YEAR,
                                        widget=forms.NumberInput(attrs={"placeholder": "e.g. 1980"}))
    genotyped = forms.ChoiceField(label="Genotyped", required=False,
                                  choices=[(EITHER, "Either"), (YES, "Genotyped"), (NO, "Not genotyped")])
    recontact = forms.ChoiceField(label="Consent to re-contact", required=False,
                                  choices=[(EITHER, "Either"), (YES, "Consented to re-contact"),
                                           (NO, "Did not consent to re-contact")])

    uses = forms.MultipleChoiceField(
        label="Intended uses", required=False, widget=forms.CheckboxSelectMultiple,
        choices=[(use, ConsentUse(use).label) for use in REQUESTABLE_USES],
        help_text="Beyond research: only samples whose donors said yes to each use you tick are counted and offered.")

    submit_label = "Count"
    method = "get"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = self.method
        # The server's messages, per field, are the ones people see (the browser's are less clear).
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = self.layout()
        self.helper.add_input(Submit("submit", self.submit_label))

    def criteria_layout(self) -> list:
        first = [Column(name, css_class="col-sm-6") for name in ("sample_type", "sex") if name in self.fields]
        years = [Column("birth_year_min", css_class="col-sm-6"), Column("birth_year_max", css_class="col-sm-6")]
        last = [Column(name, css_class="col-sm-6") for name in ("genotyped", "recontact") if name in self.fields]
        rows = [Row(*first), Row(*years), Row(*last)]
        return rows + ([Row(Column("uses", css_class="col-12"))] if "uses" in self.fields else [])

    def layout(self) -> Layout:
        return Layout(*self.criteria_layout())

    def clean(self):
        data = super().clean()
        this_year = timezone.localdate().year
        for name in ("birth_year_min", "birth_year_max"):
            if data.get(name) and data[name] > this_year:
                self.add_error(name, f"Enter a year no later than {this_year}.")
        low, high = data.get("birth_year_min"), data.get("birth_year_max")
        if low and high and low > high:
            self.add_error("birth_year_max", "This year must be the same as or later than \"Born in or after\".")
        return data

    def criteria(self) -> CohortCriteria:
        data = self.cleaned_data
        return CohortCriteria.from_dict({name: data.get(name) for name in CRITERIA_FIELDS})


_IRB = RegexValidator(IRB_PROTOCOL_PATTERN, "Enter the IRB protocol number as on the approval letter, "
                                            "e.g. IRB-2026-0142 (letters, digits, dots, slashes and dashes).")


class SampleRequestForm(CohortForm):
    irb_protocol = forms.CharField(label="IRB protocol number", max_length=40, validators=[_IRB],
                                   help_text="The protocol that approves this use of biobank samples.")
    title = forms.CharField(label="Study title", max_length=200)
    samples_requested = forms.IntegerField(label="Number of samples", min_value=1, max_value=10_000)
    purpose = forms.CharField(label="Purpose", max_length=5000, widget=forms.Textarea(attrs={"rows": 5}),
                              help_text="What the samples are for and the analyses planned, in a few sentences.")

    submit_label = "Send the request"
    method = "post"

    def layout(self) -> Layout:
        return Layout(
            Fieldset("Your study", "irb_protocol", "title"),
            Fieldset("Which samples", *self.criteria_layout()),
            Fieldset("How many, and why", "samples_requested", "purpose"),
        )

    # No count is compared here: an error that depends on how many match would let anyone read
    # exact counts by trying numbers. Biobank staff check the request against the stock.


class RecontactRequestForm(CohortForm):
    sample_type = None
    recontact = None
    uses = None
    irb_protocol = forms.CharField(label="IRB protocol number", max_length=40, validators=[_IRB],
                                   help_text="The protocol that approves contacting biobank participants.")
    title = forms.CharField(label="Study title", max_length=200)
    participants_requested = forms.IntegerField(label="Number of participants to contact", min_value=1,
                                                max_value=10_000)
    message = forms.CharField(
        label="Message to participants", min_length=40, max_length=3000, widget=forms.Textarea(attrs={"rows": 8}),
        help_text="The biobank sends this message, as written, to each participant it selects. Say who you are, "
                  "what the study is, and how to reply. Participants' names and contact details are never given "
                  "to you.")

    submit_label = "Send the request"
    method = "post"

    def layout(self) -> Layout:
        return Layout(
            Fieldset("Your study", "irb_protocol", "title"),
            Fieldset("Who to contact", *self.criteria_layout(), "participants_requested"),
            Fieldset("What they will read", "message"),
        )


# --- Staff desk ------------------------------------------------------------------------------

class ParticipantAdminForm(forms.ModelForm):
    """The MRN is typed here and stored only encrypted; it is never filled back in."""

    new_mrn = forms.CharField(label="MRN", max_length=100, required=False, strip=True,
                              widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}))

    class Meta:
        model = Participant
        fields = ["biobank_id", "sex", "birth_year", "consent_research", "consent_recontact", "consent_date",
                  "consent_version", "genotyped", "genotyping_platform", "genotyping_batch"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["new_mrn"].label = "Correct the MRN"
            self.fields["new_mrn"].help_text = ("Leave empty to keep the recorded MRN. A value typed here replaces "
                                                f"it. {crypto.MRN_HELP}")
        else:
            self.fields["new_mrn"].required = True
            self.fields["new_mrn"].help_text = crypto.MRN_HELP

    def clean_new_mrn(self) -> str:
        value = self.cleaned_data.get("new_mrn", "")
        if not value:
            return ""
        mrn = crypto.validate_mrn(value)
        clash = Participant.objects.filter(mrn_hash=crypto.mrn_digest(mrn)).exclude(pk=self.instance.pk).first()
        if clash:
            raise forms.ValidationError(f"This MRN is already recorded, for participant {clash.biobank_id}.")
        return mrn

    def clean_birth_year(self):
        year = self.cleaned_data.get("birth_year")
        if year and year > timezone.localdate().year:
            raise forms.ValidationError("The birth year cannot be in the future.")
        return year

    def clean_consent_date(self):
        day = self.cleaned_data.get("consent_date")
        if day and day > timezone.localdate():
            raise forms.ValidationError("The consent date cannot be in the future.")
        return day

    def clean(self):
        data = super().clean()
        if self.instance.pk and "consent_research" in self.changed_data and not data.get("consent_research"):
            self.add_error("consent_research", "To record that a participant withdrew consent, use "
                                               "\"Record withdrawal\": it also takes their samples out of use.")
        if data.get("genotyped") and not data.get("genotyping_platform"):
            self.add_error("genotyping_platform", "Give the genotyping platform of a genotyped participant.")
        return data

    def save(self, commit=True):
        if self.cleaned_data.get("new_mrn"):
            self.instance.mrn = self.cleaned_data["new_mrn"]
        return super().save(commit=commit)


class SampleAdminForm(forms.ModelForm):
    """A new sample, placed in a box at a given position or the box's next free one.

    Staff move a stored sample with its "Move" page (a recorded move), not on this form."""

    position = forms.CharField(label="Position", required=False, max_length=10,
                               help_text="As labelled in the box, e.g. A1 or 12. Empty: the box's next free position.")

    class Meta:
        model = Sample
        fields = ["barcode", "participant", "sample_type", "collected_at", "quantity", "unit", "box"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "box" in self.fields:
            self.fields["box"].required = True
            self.fields["box"].queryset = StorageContainer.objects.filter(
                kind=StorageContainer.Kind.BOX).select_related("parent__parent")
            self.fields["box"].label_from_instance = lambda box: box.path

    def clean_barcode(self) -> str:
        return (self.cleaned_data.get("barcode") or "").strip().upper()

    def clean_collected_at(self):
        moment = self.cleaned_data.get("collected_at")
        if moment and moment > timezone.now():
            raise forms.ValidationError("The collection time cannot be in the future.")
        return moment

    def clean(self):
        data = super().clean()
        box = data.get("box")
        if box is None or self.instance.pk:
            return data
        # The status is not on the form, so the database's one-sample-per-position rule is checked here.
        try:
            if (data.get("position") or "").strip():
                row, column = storage_services.resolve_position(box, data["position"])
            else:
                slot = storage_selectors.free_positions(1, [box], within_first=True)[0]
                row, column = slot.row, slot.column
        except storage_selectors.NoRoom as full:
            self.add_error("box", str(full))
            return data
        except forms.ValidationError as error:
            self.add_error(None, error)
            return data
        taken = (Sample.objects.filter(storage_selectors.STORED, box=box, pos_row=row, pos_col=column)
                 .values_list("barcode", flat=True).first())
        if taken:
            self.add_error("position", f"Another sample is stored at this position ({taken}).")
        self.instance.pos_row, self.instance.pos_col = row, column
        return data


class WithdrawalForm(forms.Form):
    withdrawn_on = forms.DateField(label="Withdrawal date", widget=forms.DateInput(attrs={"type": "date"}),
                                   help_text="The date the participant withdrew.")
    reason = forms.CharField(label="Reason", max_length=2000, widget=forms.Textarea(attrs={"rows": 4}),
                             help_text="Why, as the participant or the record puts it. Kept with the record.")

    def clean_withdrawn_on(self):
        day = self.cleaned_data["withdrawn_on"]
        if day > timezone.localdate():
            raise forms.ValidationError("The withdrawal date cannot be in the future.")
        return day


class RequestMoveForm(forms.Form):
    to = forms.ChoiceField(label="New status")
    reason = forms.CharField(label="Reason or note for the researcher", required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="Required when declining; the researcher reads it when they sign in.")

    def __init__(self, *args, request_obj, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = request_obj.staff_moves()


class ReserveForm(forms.Form):
    count = forms.IntegerField(label="Number to reserve", required=False, min_value=1, max_value=10_000,
                               help_text="The next available samples matching the criteria. Leave empty to "
                                         "reserve what is still missing from the number requested.")
    barcodes = forms.CharField(label="Or these barcodes", required=False, widget=forms.Textarea(attrs={"rows": 3}),
                               help_text="One or more barcodes, separated by spaces, commas or new lines.")

    def clean_barcodes(self) -> list[str]:
        raw = self.cleaned_data.get("barcodes", "")
        return [b for b in raw.replace(",", " ").split() if b]


class SelectParticipantsForm(forms.Form):
    count = forms.IntegerField(label="Number to select", required=False, min_value=1, max_value=10_000,
                               help_text="Leave empty to select what is still missing from the number requested.")


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(label="The file holds", choices=ImportJob.Kind.choices, widget=forms.RadioSelect)
    file = forms.FileField(label="CSV file", help_text="UTF-8, comma-separated, column names on the first line.")

    MAX_BYTES = 200 * 1024 * 1024

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".txt")):
            raise forms.ValidationError("Choose a .csv file (in a spreadsheet: Save as, CSV UTF-8).")
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError("The file is larger than 200 MB: split it in parts.")
        if upload.size == 0:
            raise forms.ValidationError("The file is empty.")
        return upload
