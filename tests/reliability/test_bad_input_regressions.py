"""Inputs the fuzzing found to crash (a 500 or an import that fell over), each now a clear answer."""

from __future__ import annotations

import io
import json

import pytest

from biobank import importer
from biobank.models import Sample
from studies import ctgov
from studies.models import Study
from tests.biobank.factories import ParticipantFactory, box_named
from tests.factories import CenterFactory
from tests.studies.factories import StudyFactory

pytestmark = pytest.mark.django_db

SAMPLE_HEADER = "barcode,biobank_id,sample_type,collected_at,quantity,unit,freezer,rack,box,position"


def test_a_superscript_digit_is_not_a_research_study_id(client):
    response = client.get("/fhir/ResearchStudy/²")
    assert response.status_code == 404
    assert response.json()["resourceType"] == "OperationOutcome"


def test_a_page_far_past_the_end_is_an_empty_bundle(client):
    StudyFactory()
    response = client.get("/fhir/ResearchStudy", {"page": "9" * 30, "_count": "100"})
    assert response.status_code == 200
    bundle = response.json()
    assert bundle["total"] >= 1 and not bundle.get("entry")


def test_a_nul_character_in_an_import_row_is_reported_and_nothing_is_written():
    ParticipantFactory(biobank_id="BB0000001", mrn="SYN0000001")
    box_named("F1", "R1", "B1")
    text = f"{SAMPLE_HEADER}\nS-001,BB0000001,dna,2024-03-01,1.5,ug,F\x001,R1,B1,A1\nS-002,BB0000001,dna,2024-03-01,1,ug,F1,R1,B1,A2\n"
    result = importer.import_csv(io.StringIO(text))
    assert not result.ok
    assert [(error.row, error.message[:35]) for error in result.errors] == [(2, "This row holds a NUL character (a b")]
    assert Sample.objects.count() == 0


GOOD = {"protocolSection": {
    "identificationModule": {"nctId": "NCT09990001", "briefTitle": "Sleep and asthma"},
    "descriptionModule": {"briefSummary": "Does better sleep help asthma?"},
    "statusModule": {"overallStatus": "RECRUITING"},
}}


def _with(module: str, field: str | None, value) -> dict:
    record = json.loads(json.dumps(GOOD))
    if field is None:
        record["protocolSection"][module] = value
    else:
        record["protocolSection"].setdefault(module, {})[field] = value
    return record


@pytest.mark.parametrize("record, message", [
    (_with("eligibilityModule", None, [1, 2]), "eligibilityModule must be an object"),
    (_with("designModule", "phases", {"PHASE2": True}), "designModule.phases must be a list"),
    (_with("designModule", "phases", [["PHASE2"]]), "designModule.phases has unknown value(s)"),
    (_with("statusModule", "overallStatus", ["RECRUITING"]), "statusModule.overallStatus"),
    (_with("eligibilityModule", "sex", {}), "eligibilityModule.sex"),
    (_with("eligibilityModule", "minimumAge", 18), "eligibilityModule.minimumAge"),
    (_with("eligibilityModule", "eligibilityCriteria", ["adults"]), "eligibilityCriteria must be text"),
    (_with("conditionsModule", "conditions", "Asthma"), "conditionsModule.conditions must be a list"),
    (_with("identificationModule", "officialTitle", 7), "officialTitle must be text"),
    (_with("identificationModule", "briefTitle", "Sleep\x00"), "NUL character"),
])
def test_malformed_registry_records_are_refused_with_the_field_named(tmp_path, record, message):
    path = tmp_path / "records.json"
    path.write_text(json.dumps([record]), encoding="utf-8")
    report = ctgov.import_file(path, center=CenterFactory())
    assert report.created == [] and len(report.errors) == 1
    assert message in report.errors[0][2]
    assert Study.objects.count() == 0


def test_officials_without_a_text_name_are_skipped(tmp_path):
    record = _with("contactsLocationsModule", "overallOfficials", [{"name": 5}, {"name": "Dr Example"}])
    path = tmp_path / "records.json"
    path.write_text(json.dumps([record]), encoding="utf-8")
    report = ctgov.import_file(path, center=CenterFactory())
    assert report.errors == [] and Study.objects.get().pi_name == "Dr Example"


def test_a_registry_file_that_is_not_utf8_is_refused(tmp_path):
    path = tmp_path / "records.json"
    path.write_bytes(b'{"studies": ["\xff\xfe"]}')
    with pytest.raises(ctgov.RecordError, match="not UTF-8"):
        ctgov.load_records(path)


def test_a_content_length_that_is_not_a_number_is_no_server_error(client, researcher):
    client.force_login(researcher)
    response = client.post("/consultations/new/", {"title": "x"}, CONTENT_LENGTH="abc")
    assert response.status_code == 200  # read as an empty form, which asks for every field
    assert "Give your project a title." in response.content.decode()
