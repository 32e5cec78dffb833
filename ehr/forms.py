from __future__ import annotations

from datetime import datetime, time

from django import forms
from django.utils import timezone

from .loader.files import SUFFIXES


class ExtractUploadForm(forms.Form):
    file = forms.FileField(label="NDJSON file", help_text="A FHIR R4 Bulk Data file, .ndjson or .ndjson.gz; one "
                                                          "resource a line, of any of the loaded types.")
    extracted_at = forms.DateField(label="Extract made on", widget=forms.DateInput(attrs={"type": "date"}),
                                   help_text="The day the health record system made the extract. A newer extract "
                                             "replaces an older one, participant by participant.")
    skip_bad = forms.BooleanField(label="Skip bad lines", required=False,
                                  help_text="Load the good lines of a file that has bad ones. Unticked, a file with "
                                            "any bad line loads nothing.")

    MAX_BYTES = 2 * 1024 * 1024 * 1024

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(SUFFIXES):
            raise forms.ValidationError("Choose an .ndjson or .ndjson.gz file from a FHIR Bulk Data export.")
        if upload.size == 0:
            raise forms.ValidationError("The file is empty.")
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError("The file is larger than 2 GB: load it with manage.py import_ehr.")
        return upload

    def clean_extracted_at(self):
        day = self.cleaned_data["extracted_at"]
        if day > timezone.localdate():
            raise forms.ValidationError("The extract cannot be made in the future.")
        return timezone.make_aware(datetime.combine(day, time(23, 59, 59)))
