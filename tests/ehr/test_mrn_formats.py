"""MRNs of other record systems (UUIDs, long alphanumerics) are accepted everywhere an MRN is typed or read."""

from __future__ import annotations

import io

import pytest

from biobank import crypto, importer
from biobank.models import Participant

HEADER = ("biobank_id,mrn,sex,birth_year,consent_research,consent_recontact,consent_date,consent_version,genotyped,"
          "genotyping_platform,genotyping_batch")


@pytest.mark.parametrize("raw, normalised", [
    ("3f2b8c1e-9a4d-4e7b-8f1a-2c5d6e7f8a9b", "3F2B8C1E9A4D4E7B8F1A2C5D6E7F8A9B"),
    ("mrn 0012 3456", "MRN00123456"),
    ("A" * 64, "A" * 64),
])
def test_uuid_and_long_mrns_are_valid(raw, normalised):
    assert crypto.validate_mrn(raw) == normalised


@pytest.mark.django_db
def test_the_participant_csv_import_takes_a_uuid_mrn():
    data = io.StringIO(f"{HEADER}\nBB0000010,3f2b8c1e-9a4d-4e7b-8f1a-2c5d6e7f8a9b,F,1961,yes,no,2021-05-01,v3,no,,\n")
    result = importer.import_csv(data, "participants")
    assert result.ok, result.errors
    person = Participant.objects.get(biobank_id="BB0000010")
    assert person.mrn_hash == crypto.mrn_digest("3F2B8C1E-9A4D-4E7B-8F1A-2C5D6E7F8A9B")
