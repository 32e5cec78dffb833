"""manage.py import_ehr: Bulk Data NDJSON in, participants' facts kept, everyone else's discarded."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from biobank.models import Participant
from ehr.models import Concept, EhrImport, Fact, LoadedRecord
from tests.biobank.factories import ParticipantFactory
from tests.ehr.synthea import DIABETES, HYPERTENSION, METFORMIN, Person, write_extract, write_lines

pytestmark = pytest.mark.django_db


def run(*paths, **options):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_ehr", *map(str, paths), "--no-progress", stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def run_failing(*paths, **options):
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_ehr", *map(str, paths), "--no-progress", stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def alice():
    return Person("alice", "SYN0000101", conditions=[(DIABETES, "2019-04-02")], hba1c=[(8.4, "2023-05-01T10:00:00Z")],
                  medications=[(METFORMIN, "2019-05-01")])


def outsider():
    return Person("bob", "SYN0000999", conditions=[(HYPERTENSION, "2018-01-01")], hba1c=[(5.1, "2022-01-01")])


@pytest.fixture
def participant():
    return ParticipantFactory(biobank_id="BB0000101", mrn="SYN0000101", birth_year=1960)


def test_participants_facts_are_loaded_and_outsiders_discarded(tmp_path, participant):
    out, err = run(write_extract(tmp_path / "x", [alice(), outsider()], transaction_time="2026-11-01T00:00:00Z"))
    assert "Patient: 1 loaded, 1 skipped (1 not biobank participants)" in out
    assert "Condition: 1 loaded, 1 skipped (1 not biobank participants)" in out
    assert "Observation: 1 loaded, 1 skipped (1 not biobank participants)" in out
    assert "MedicationRequest: 1 loaded, 0 skipped" in out
    assert "Encounter: 1 loaded, 1 skipped (1 not biobank participants)" in out
    assert not err
    facts = Fact.objects.filter(participant=participant).select_related("concept")
    codes = {(f.concept.system, f.concept.code) for f in facts}
    assert {("snomed", "44054006"), ("icd10cm", "E11.9"), ("loinc", "4548-4"), ("rxnorm", "860975"),
            ("snomed", "185349003"), ("act", "AMB")} == codes
    lab = facts.get(concept__code="4548-4")
    assert (lab.value, lab.unit, lab.start_date, lab.source_id) == (8.4, "%", date(2023, 5, 1), "Observation/alice-o0")
    # Nothing about the outsider is kept, not even a concept only they had.
    assert Fact.objects.count() == facts.count()
    assert not Concept.objects.filter(code="38341003").exists()
    assert Concept.objects.get(code="E11.9").participant_count == 1
    record = LoadedRecord.objects.get(participant=participant)
    assert record.extracted_at.year == 2026 and record.fact_count == facts.count()
    assert EhrImport.objects.get().status == "loaded"


def test_loading_the_same_extract_again_adds_nothing(tmp_path, participant):
    folder = write_extract(tmp_path / "x", [alice()], transaction_time="2026-11-01T00:00:00Z")
    run(folder)
    first = sorted(Fact.objects.values_list("concept__code", "start_date", "value", "source_id"))
    run(folder)
    assert sorted(Fact.objects.values_list("concept__code", "start_date", "value", "source_id")) == first
    assert Concept.objects.get(code="E11.9").fact_count == 1


def test_a_newer_extract_replaces_and_an_older_one_is_ignored(tmp_path, participant):
    run(write_extract(tmp_path / "a", [alice()], transaction_time="2026-11-01T00:00:00Z"))
    newer = Person("alice", "SYN0000101", conditions=[(HYPERTENSION, "2025-01-01")])
    run(write_extract(tmp_path / "b", [newer], transaction_time="2026-11-20T00:00:00Z"))
    assert set(Fact.objects.values_list("concept__code", flat=True)) == {"38341003", "I10", "185349003", "AMB"}
    assert Concept.objects.get(code="E11.9").participant_count == 0
    out, _ = run(write_extract(tmp_path / "c", [alice()], transaction_time="2026-10-01T00:00:00Z"))
    assert "Patient: 0 loaded, 1 skipped (1 a newer extract is already loaded)" in out
    assert "E11.9" not in set(Fact.objects.values_list("concept__code", flat=True))


def test_gzipped_files_and_uuid_mrns_are_read(tmp_path):
    uuid = "3f2b8c1e-9a4d-4e7b-8f1a-2c5d6e7f8a9b"
    ParticipantFactory(biobank_id="BB0000102", mrn=uuid)
    person = Person("p-uuid", uuid.upper(), conditions=[(DIABETES, "2020")])
    out, _ = run(write_extract(tmp_path / "x", [person], gz=True), exported_at="2026-11-01")
    assert "Condition: 1 loaded" in out
    assert Fact.objects.filter(concept__code="E11.9", start_date=date(2020, 1, 1)).exists()


def test_other_resource_types_are_counted_and_skipped(tmp_path, participant):
    folder = write_extract(tmp_path / "x", [alice()])
    write_lines(folder / "AllergyIntolerance.ndjson", [{"resourceType": "AllergyIntolerance", "id": "a1",
                                                        "patient": {"reference": "Patient/alice"}}] * 2)
    out, _ = run(folder)
    assert "AllergyIntolerance: 0 loaded, 2 skipped (2 not a type the portal loads)" in out


BAD_LINES = [
    ("not json at all", "", "the line is not JSON"),
    ({"resourceType": "Condition", "code": {"coding": [{"system": "http://snomed.info/sct", "code": "1"}]},
      "subject": {"reference": "Patient/alice"}}, "", "id: the resource has no valid id"),
    ({"resourceType": "Condition", "id": "c9", "code": {"coding": [{"system": "http://snomed.info/sct", "code": "1"}]}},
     "Condition/c9", "subject: the resource names no patient"),
    ({"resourceType": "Condition", "id": "c8", "code": {"coding": [{"system": "http://snomed.info/sct", "code": "1"}]},
      "subject": {"reference": "Patient/alice"}, "onsetDateTime": "2021-02-30"}, "Condition/c8",
     "onsetDateTime \"2021-02-30\" is not a day of the calendar"),
    ({"resourceType": "Condition", "id": "c7", "code": {"coding": [{"system": "http://snomed.info/sct", "code": "1"}]},
      "subject": {"reference": "Patient/alice"}, "onsetDateTime": "01/02/2021"}, "Condition/c7",
     "onsetDateTime \"01/02/2021\" is not a FHIR date"),
    ({"resourceType": "Condition", "id": "c6", "code": {"coding": [{"system": "http://snomed.info/sct", "code": "1"}]},
      "subject": {"reference": "Patient/nobody"}}, "Condition/c6", "subject: patient nobody is not in the extract"),
]


@pytest.mark.parametrize("bad, resource, message", BAD_LINES)
def test_a_bad_line_is_reported_and_its_file_loads_nothing(tmp_path, participant, bad, resource, message):
    folder = write_extract(tmp_path / "x", [alice()])
    good = json.loads((folder / "Condition.ndjson").read_text().splitlines()[0])
    write_lines(folder / "Condition.ndjson", [good, bad if isinstance(bad, dict) else bad])
    out, err = run_failing(folder)
    assert f"Condition.ndjson, line 2{', ' + resource if resource else ''}: {message}" in err
    assert "Nothing was loaded from 1 file(s) with errors" in err
    assert not Fact.objects.filter(source_id__startswith="Condition/").exists()
    # The other files of the extract are loaded.
    assert Fact.objects.filter(source_id="Observation/alice-o0").exists()
    assert EhrImport.objects.get().status == "rejected"

    out, err = run(folder, skip_bad=True)
    assert Fact.objects.filter(source_id="Condition/alice-c0").count() == 2  # SNOMED and ICD-10-CM codings
    if isinstance(bad, dict):
        assert "Condition: 1 loaded, 1 skipped (1 bad lines)" in out
    else:  # a line that is not JSON says nothing of its type
        assert "Condition: 1 loaded, 0 skipped" in out and "(not a resource): 0 loaded, 1 skipped (1 bad lines)" in out


def test_a_rejected_patient_file_takes_its_patients_resources_with_it(tmp_path, participant):
    folder = write_extract(tmp_path / "x", [alice()])
    write_lines(folder / "Patient.ndjson", [(folder / "Patient.ndjson").read_text().strip(), "{"])
    out, err = run_failing(folder)
    assert "Patient.ndjson, line 2: the line is not JSON" in err
    assert "Condition: 0 loaded, 1 skipped (1 their patient's file has errors)" in out
    assert not Fact.objects.exists()


def test_missing_paths_and_wrong_files_are_refused(tmp_path):
    with pytest.raises(CommandError, match="no such file or folder"):
        run(tmp_path / "nope.ndjson")
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(CommandError, match="not an .ndjson"):
        run(tmp_path / "notes.txt")


def test_withdrawn_participants_records_are_not_kept(tmp_path):
    ParticipantFactory(biobank_id="BB0000101", mrn="SYN0000101", consent_research=False)
    out, _ = run(write_extract(tmp_path / "x", [alice()]))
    assert "Patient: 0 loaded, 1 skipped (1 withdrawn from the biobank)" in out
    assert not Fact.objects.exists() and Participant.objects.count() == 1
