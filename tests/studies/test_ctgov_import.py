"""manage.py import_ctgov: ClinicalTrials.gov API v2 JSON in, studies created or updated by NCT id."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from studies.ctgov import age_in_years, import_file, RecordError
from studies.models import Study
from tests.factories import CenterFactory

SAMPLE = Path(__file__).parent / "data" / "ctgov_sample.json"


@pytest.fixture
def trials_center(db):
    return CenterFactory(name="Center for Clinical Trials", slug="center-for-clinical-trials")


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("import_ctgov", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_file_with_refused_records_imports_nothing_names_each_and_exits_non_zero(trials_center):
    with pytest.raises(CommandError, match="nothing imported: 2 of 5 records refused"):
        run(str(SAMPLE))
    assert Study.objects.count() == 0


def test_refused_records_are_each_reported_with_number_nct_and_field(trials_center):
    report = import_file(SAMPLE, center=trials_center)
    assert report.created == [] and report.updated == []
    assert report.errors == [
        (3, "NCT09000003", "statusModule.overallStatus “PAUSED_FOR_LUNCH” is not one of the registry's values "
                           "(ACTIVE_NOT_RECRUITING, APPROVED_FOR_MARKETING, AVAILABLE, COMPLETED, ENROLLING_BY_INVITATION, "
                           "NOT_YET_RECRUITING, NO_LONGER_AVAILABLE, RECRUITING, SUSPENDED, TEMPORARILY_NOT_AVAILABLE, "
                           "TERMINATED, UNKNOWN, WITHDRAWN, WITHHELD)"),
        (4, "NCT09000004", "missing field descriptionModule.briefSummary"),
    ]


def good_sample(tmp_path):
    records = json.loads(SAMPLE.read_text())
    records["studies"] = [records["studies"][i] for i in (0, 1, 4)]
    path = tmp_path / "good.json"
    path.write_text(json.dumps(records))
    return path, records


def test_sample_records_create_studies(trials_center, tmp_path):
    path, _ = good_sample(tmp_path)
    out, err = run(str(path))
    assert "3 created, 0 updated, 0 refused" in out and err == ""
    assert set(Study.objects.values_list("nct_id", flat=True)) == {"NCT09000001", "NCT09000002", "NCT09000005"}

    bp = Study.objects.get(nct_id="NCT09000001")
    assert bp.title.startswith("A Randomized Trial of Home Coaching")
    assert bp.lay_title == "Coaching to Lower Blood Pressure at Home"
    assert bp.status == Study.Status.RECRUITING and bp.phase == Study.Phase.NOT_APPLICABLE
    assert (bp.min_age, bp.max_age, bp.sex, bp.healthy_volunteers) == (18, 80, Study.Sex.ALL, False)
    assert list(bp.conditions.values_list("name", flat=True)) == ["Hypertension"]
    assert bp.keywords == "blood pressure, coaching"
    assert bp.contact_email == "bp-study@dcr.example.org"
    assert bp.pi_name == "Dr. Morgan Example (synthetic)"
    assert bp.center == trials_center
    assert bp.is_public is False  # staff publish it after writing the plain-language page

    fih = Study.objects.get(nct_id="NCT09000002")
    assert fih.phase == Study.Phase.PHASE_1_2 and fih.get_phase_display() == "Phase 1/Phase 2"
    assert fih.sex == Study.Sex.MALE and fih.healthy_volunteers is True
    assert fih.contact_email == trials_center.contact_email

    kids = Study.objects.get(nct_id="NCT09000005")
    assert (kids.min_age, kids.max_age) == (0, 12)
    assert kids.phase == Study.Phase.EARLY_1


def test_importing_again_updates_instead_of_duplicating(trials_center, tmp_path):
    path, records = good_sample(tmp_path)
    run(str(path))
    study = Study.objects.get(nct_id="NCT09000001")
    study.lay_title = "Phone coaching for blood pressure"  # staff's plain-language edit
    study.save()
    records["studies"][0]["protocolSection"]["statusModule"]["overallStatus"] = "COMPLETED"
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(records))
    out, err = run(str(changed))
    assert "0 created, 3 updated, 0 refused" in out
    study.refresh_from_db()
    assert study.status == Study.Status.COMPLETED
    assert study.lay_title == "Phone coaching for blood pressure"
    assert Study.objects.filter(nct_id="NCT09000001").count() == 1


def test_a_single_record_file_is_accepted(trials_center, tmp_path):
    record = json.loads(SAMPLE.read_text())["studies"][0]
    single = tmp_path / "one.json"
    single.write_text(json.dumps(record))
    out, _ = run(str(single))
    assert "1 created, 0 updated, 0 refused" in out


@pytest.mark.parametrize("mutate,message", [
    (lambda p: p["identificationModule"].update(nctId="12345"), "is not an NCT number"),
    (lambda p: p["designModule"].update(phases=["PHASE9"]), "designModule.phases has unknown value(s): PHASE9"),
    (lambda p: p["designModule"].update(phases=["PHASE1", "PHASE3"]), "PHASE1+PHASE3 is not a phase or combination"),
    (lambda p: p["designModule"].update(studyType="PILOT"), "designModule.studyType “PILOT” is not one of"),
    (lambda p: p["eligibilityModule"].update(stdAges=["TEEN"]), "eligibilityModule.stdAges “TEEN”"),
    (lambda p: p["eligibilityModule"].update(sex="OTHER"), "eligibilityModule.sex"),
    (lambda p: p["eligibilityModule"].update(minimumAge="eighteen"), "is not an age"),
    (lambda p: p["eligibilityModule"].update(minimumAge="90 Years"), "minimumAge is above maximumAge"),
    (lambda p: p["identificationModule"].update(briefTitle="  "), "briefTitle is empty"),
    (lambda p: p.pop("statusModule"), "missing field statusModule"),
])
def test_bad_records_are_refused_with_the_field_named(trials_center, tmp_path, mutate, message):
    record = json.loads(SAMPLE.read_text())["studies"][0]
    mutate(record["protocolSection"])
    path = tmp_path / "bad.json"
    path.write_text(json.dumps([record]))
    report = import_file(path, center=trials_center)
    assert report.created == [] and len(report.errors) == 1
    assert message in report.errors[0][2]
    assert Study.objects.count() == 0


def test_broken_json_and_missing_centre_are_clear_command_errors(trials_center, tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    with pytest.raises(CommandError, match="not valid JSON"):
        run(str(broken))
    with pytest.raises(CommandError, match="No centre with slug"):
        run(str(SAMPLE), "--center", "nowhere")
    with pytest.raises(CommandError, match="No such file"):
        run(str(tmp_path / "absent.json"))


@pytest.mark.parametrize("text,years", [("18 Years", 18), ("1 Year", 1), ("6 Months", 0), ("30 Months", 2),
                                        ("2 Weeks", 0), ("104 Weeks", 2), ("28 Days", 0), ("12 Hours", 0),
                                        ("30 Minutes", 0),
                                        ("N/A", None), (None, None)])
def test_ages_are_read_in_years(text, years):
    assert age_in_years(text, "minimumAge") == years


def test_unreadable_age_is_refused():
    with pytest.raises(RecordError):
        age_in_years("18", "minimumAge")
