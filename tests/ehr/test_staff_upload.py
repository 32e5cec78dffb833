"""Biobank staff load an extract at the staff desk and follow it; no other role may."""

from __future__ import annotations

import gzip
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ehr.models import EhrImport, Fact
from tests.biobank.factories import ParticipantFactory
from tests.ehr.synthea import DIABETES, Person, resources

pytestmark = pytest.mark.django_db


def extract_bytes(people, extra: list | None = None) -> bytes:
    lines = [json.dumps(r) for items in resources(people).values() for r in items] + (extra or [])
    return ("\n".join(lines) + "\n").encode()


def test_staff_upload_loads_and_shows_the_summary(client, biobank_staff):
    ParticipantFactory(biobank_id="BB0000101", mrn="SYN0000101")
    client.force_login(biobank_staff)
    data = gzip.compress(extract_bytes([Person("alice", "SYN0000101", conditions=[(DIABETES, "2019-04-02")])]))
    response = client.post(reverse("admin:ehr_ehrimport_add"), {
        "file": SimpleUploadedFile("export.ndjson.gz", data), "extracted_at": "2026-11-01"}, follow=True)
    page = response.content.decode()
    assert "Loaded 4 facts of 1 participant" in page
    assert "Condition: 1 loaded, 0 skipped" in page
    job = EhrImport.objects.get()
    assert job.status == "loaded" and not job.upload  # the file, with outsiders' records, is gone
    assert Fact.objects.count() == 4


def test_a_bad_line_is_shown_with_file_line_and_resource(client, biobank_staff):
    ParticipantFactory(biobank_id="BB0000101", mrn="SYN0000101")
    client.force_login(biobank_staff)
    bad = json.dumps({"resourceType": "Condition", "id": "c1", "subject": {"reference": "Patient/alice"},
                      "code": {"coding": [{"system": "http://snomed.info/sct", "code": "1"}]},
                      "onsetDateTime": "yesterday"})
    response = client.post(reverse("admin:ehr_ehrimport_add"), {
        "file": SimpleUploadedFile("export.ndjson", extract_bytes([Person("alice", "SYN0000101")], [bad])),
        "extracted_at": "2026-11-01"}, follow=True)
    page = response.content.decode()
    assert "nothing was loaded from it" in page
    assert "Condition/c1" in page and "onsetDateTime &quot;yesterday&quot; is not a FHIR date" in page
    assert not Fact.objects.exists()


def test_wrong_files_and_future_dates_are_refused_by_field(client, biobank_staff):
    client.force_login(biobank_staff)
    response = client.post(reverse("admin:ehr_ehrimport_add"), {
        "file": SimpleUploadedFile("export.csv", b"a,b\n"), "extracted_at": "2999-01-01"})
    page = response.content.decode()
    assert "Choose an .ndjson or .ndjson.gz file" in page and "cannot be made in the future" in page
    assert not EhrImport.objects.exists()


def test_other_staff_cannot_load(client, staff_a):
    client.force_login(staff_a)
    assert client.get(reverse("admin:ehr_ehrimport_add")).status_code == 403
