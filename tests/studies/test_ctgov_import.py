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


def test_sample_file_creates_good_records_and_reports_bad_ones(trials_center):
    out, err = run(str(SAMPLE))
    assert "3 created, 0 updated, 2 refused" in err
    assert "record 3 (NCT09000003): statusModule.overallStatus “PAUSED_FOR_LUNCH” is not a status we know" in err
    assert "record 4 (NCT09000004): missing field descriptionModule.briefSummary" in err
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
    assert fih.phase == Study.Phase.PHASE_2  # PHASE1/PHASE2 -> the later phase
    assert fih.sex == Study.Sex.MALE and fih.healthy_volunteers is True
    assert fih.contact_email == trials_center.contact_email

    kids = Study.objects.get(nct_id="NCT09000005")
    assert (kids.min_age, kids.max_age) == (0, 12)
    assert kids.phase == Study.Phase.EARLY_1


def test_importing_again_updates_instead_of_duplicating(trials_center, tmp_path):
    run(str(SAMPLE))
    study = Study.objects.get(nct_id="NCT09000001")
    study.lay_title = "Phone coaching for blood pressure"  # staff's plain-language edit
    study.save()
    records = json.loads(SAMPLE.read_text())
    records["studies"][0]["protocolSection"]["statusModule"]["overallStatus"] = "COMPLETED"
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(records))
    out, err = run(str(changed))
    assert "0 created, 3 updated, 2 refused" in err
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


@pytest.mark.parametrize("text,years", [("18 Years", 18), ("6 Months", 0), ("30 Months", 2), ("2 Weeks", 0),
                                        ("N/A", None), (None, None)])
def test_ages_are_read_in_years(text, years):
    assert age_in_years(text, "minimumAge") == years


def test_unreadable_age_is_refused():
    with pytest.raises(RecordError):
        age_in_years("18", "minimumAge")
