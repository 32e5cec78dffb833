"""The fast path of import_ehr gives what a plain reading gives: odd values, memos emptied when
full, one concept per code; and the load as a job (a lost worker's load runs again)."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.utils import timezone

from ehr.loader import fhir, jobs
from ehr.models import Concept, EhrImport, Fact
from tests.biobank.factories import ParticipantFactory
from tests.ehr.synthea import DIABETES, HYPERTENSION, METFORMIN, Person, resources, write_extract, write_lines

pytestmark = pytest.mark.django_db


def run(*paths, fails=False, **options):
    out, err = io.StringIO(), io.StringIO()
    if fails:
        with pytest.raises(CommandError):
            call_command("import_ehr", *map(str, paths), "--no-progress", stdout=out, stderr=err, **options)
    else:
        call_command("import_ehr", *map(str, paths), "--no-progress", stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def people():
    return [Person("alice", "SYN0000101", conditions=[(DIABETES, "2019-04-02"), (HYPERTENSION, "2020")],
                   hba1c=[(8.4, "2023-05-01T10:00:00Z"), (7.9, "2023-08-01")], medications=[(METFORMIN, "2019-05")]),
            Person("carol", "SYN0000102", conditions=[(DIABETES, "2018-02-03")], hba1c=[(6.1, "2023-05-01T10:00:00Z")])]


def facts():
    return sorted(Fact.objects.values_list("participant__biobank_id", "concept__system", "concept__code", "start_date",
                                           "end_date", "value", "unit", "source_id"))


def test_memos_emptied_when_full_load_the_same_facts(tmp_path, monkeypatch):
    for n, mrn in ((101, "SYN0000101"), (102, "SYN0000102")):
        ParticipantFactory(biobank_id=f"BB0000{n}", mrn=mrn)
    folder = write_extract(tmp_path / "x", people(), transaction_time="2026-11-01T00:00:00Z")
    run(folder)
    expected, concepts = facts(), sorted(Concept.objects.values_list("system", "code", "participant_count"))
    assert len(expected) == 14 and ("icd10cm", "E11.9", 2) in concepts
    Fact.objects.all().delete()
    Concept.objects.all().delete()
    monkeypatch.setattr(fhir, "MEMO_SIZE", 2)  # every memo (and the extract's concept numbers) emptied often
    run(write_extract(tmp_path / "y", people(), transaction_time="2026-11-02T00:00:00Z"))
    assert facts() == expected
    assert sorted(Concept.objects.values_list("system", "code", "participant_count")) == concepts


def test_one_code_named_differently_is_one_concept_named_from_participants_records_only(tmp_path):
    ParticipantFactory(biobank_id="BB0000101", mrn="SYN0000101")
    ParticipantFactory(biobank_id="BB0000102", mrn="SYN0000102")
    named = {"alice": "Diabetes A", "carol": "Diabetes B", "zed": "Zz outsider's name"}
    extract = resources([Person(pid, mrn) for pid, mrn in (("alice", "SYN0000101"), ("carol", "SYN0000102"),
                                                         ("zed", "SYN0000999"))])
    conditions = [{"resourceType": "Condition", "id": f"{pid}-c0", "subject": {"reference": f"Patient/{pid}"},
                   "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "E11.9",
                                        "display": name}]}, "onsetDateTime": "2020-01-01"}
                  for pid, name in named.items()]
    write_lines(tmp_path / "Patient.ndjson", extract["Patient"])
    write_lines(tmp_path / "Condition.ndjson", conditions)
    run(tmp_path, exported_at="2026-11-01")
    concept = Concept.objects.get(code="E11.9")
    assert (concept.display, concept.participant_count, concept.fact_count) == ("Diabetes B", 2, 2)


def test_units_and_names_with_tabs_and_backslashes_are_kept_as_written(tmp_path):
    ParticipantFactory(biobank_id="BB0000101", mrn="SYN0000101")
    extract = resources([Person("alice", "SYN0000101")])
    observation = {"resourceType": "Observation", "id": "alice-o9", "subject": {"reference": "Patient/alice"},
                   "code": {"coding": [{"system": "http://loinc.org", "code": "2345-7", "display": "Glucose\tfasting"}]},
                   "effectiveDateTime": "2024-02-29", "valueQuantity": {"value": 5, "code": "mmol\\L"}}
    write_lines(tmp_path / "Patient.ndjson", extract["Patient"])
    write_lines(tmp_path / "Observation.ndjson", [observation])
    run(tmp_path, exported_at="2026-11-01")
    fact = Fact.objects.select_related("concept").get(source_id="Observation/alice-o9")
    assert (fact.value, fact.unit, fact.concept.display, str(fact.start_date)) == (
        5.0, "mmol\\L", "Glucose\tfasting", "2024-02-29")


@pytest.mark.parametrize("kind", [["Condition"], {"type": "Condition"}, 7])
def test_a_resource_type_that_is_not_a_word_is_a_bad_line(tmp_path, kind):
    ParticipantFactory(biobank_id="BB0000101", mrn="SYN0000101")
    folder = write_extract(tmp_path / "x", people()[:1])
    good = json.loads((folder / "Condition.ndjson").read_text().splitlines()[0])
    write_lines(folder / "Condition.ndjson", [good, {**good, "id": "odd", "resourceType": kind}])
    _, err = run(folder, fails=True)
    assert "Condition.ndjson, line 2, (not a resource)/odd: resourceType: the line names no resource type" in err
    assert not Fact.objects.filter(source_id__startswith="Condition/").exists()


def test_a_load_left_running_by_a_lost_worker_runs_again_and_a_running_one_is_left_alone(tmp_path):
    ParticipantFactory(biobank_id="BB0000101", mrn="SYN0000101")
    lines = "".join(json.dumps(r) + "\n" for items in resources(people()[:1]).values() for r in items)

    def job(started_ago: timedelta) -> EhrImport:
        return EhrImport.objects.create(file_name="export.ndjson", upload=ContentFile(lines, name="export.ndjson"),
                                        status=EhrImport.Status.RUNNING, started_at=timezone.now() - started_ago,
                                        extracted_at=timezone.now())

    busy = job(timedelta(minutes=5))
    assert jobs.run_stored_job(busy.pk).status == "running"
    assert not Fact.objects.exists()
    lost = job(jobs.LOST_AFTER + timedelta(minutes=1))
    done = jobs.run_stored_job(lost.pk)
    done.refresh_from_db()
    assert (done.status, done.facts_loaded, bool(done.upload)) == ("loaded", Fact.objects.count(), False)
    assert jobs.job_progress(done)["percent"] == 100


def test_year_zero_is_not_a_day_of_the_calendar(tmp_path):
    ParticipantFactory(biobank_id="BB0000101", mrn="SYN0000101")
    folder = write_extract(tmp_path / "x", [Person("alice", "SYN0000101", conditions=[(DIABETES, "0000-03-01")])])
    _, err = run(folder, fails=True)
    assert 'Condition.ndjson, line 1, Condition/alice-c0: onsetDateTime "0000-03-01" is not a day of the calendar' in err
    assert EhrImport.objects.get().status == "rejected"


def test_a_staging_copy_that_fails_in_the_background_fails_the_load_and_loads_nothing(tmp_path, monkeypatch):
    from ehr.loader import sql

    ParticipantFactory(biobank_id="BB0000101", mrn="SYN0000101")
    monkeypatch.setattr(sql, "FACT_COLUMNS", sql.FACT_COLUMNS.replace("concept_no", "no_such_column"))
    with pytest.raises(Exception, match="no_such_column"):
        run(write_extract(tmp_path / "x", people()[:1]))
    job = EhrImport.objects.get()
    assert job.status == "failed" and "nothing was loaded" in job.errors[0]["message"]
    assert not Fact.objects.exists()
