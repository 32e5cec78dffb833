"""Real-shaped API v2 records (a paged search response): every value of the data model is kept."""

import json
from datetime import date
from pathlib import Path

import pytest
from django.core.management import CommandError

from studies.ctgov import import_file, import_records, read_page
from studies.models import Location, RegistryRecord, Study
from tests.factories import CenterFactory
from tests.studies.test_ctgov_import import run

DATA = Path(__file__).parent / "data"
PAGE1, PAGE2 = DATA / "ctgov_v2_page1.json", DATA / "ctgov_v2_page2.json"


@pytest.fixture
def center(db):
    return CenterFactory(name="Dartmouth-Hitchcock Medical Center", slug="center-for-clinical-trials")


def test_a_search_page_is_read_with_its_next_page_token():
    page = read_page(PAGE1.read_text())
    assert len(page.records) == 2 and page.next_page_token == "NF0g5JGBlPMs"
    assert read_page(PAGE2.read_text()).next_page_token == ""


def test_combined_phase_unknown_status_and_expanded_access_are_imported(center):
    out, _ = run(str(PAGE1))
    assert "2 created, 0 updated, 0 refused" in out
    run(str(PAGE2))
    gene = Study.objects.get(nct_id="NCT09100001")
    assert gene.phase == Study.Phase.PHASE_1_2 and gene.get_phase_display() == "Phase 1/Phase 2"
    assert gene.study_type == Study.StudyType.INTERVENTIONAL
    sleep = Study.objects.get(nct_id="NCT09100002")
    assert sleep.status == Study.Status.UNKNOWN and sleep.get_status_display() == "Status unknown"
    assert sleep.study_type == Study.StudyType.OBSERVATIONAL and sleep.phase == Study.Phase.NOT_APPLICABLE
    assert sleep.sex == Study.Sex.FEMALE and sleep.healthy_volunteers is True
    assert (sleep.min_age, sleep.max_age) == (21, None)
    access = Study.objects.get(nct_id="NCT09100003")
    assert access.status == Study.Status.AVAILABLE and access.study_type == Study.StudyType.EXPANDED_ACCESS
    assert (access.min_age, access.max_age) == (0, 0)
    assert access.registry.age_range == "2 weeks to 6 months old"


def test_the_registry_record_keeps_dates_sponsors_arms_interventions_and_outcomes(center):
    run(str(PAGE1))
    record = RegistryRecord.objects.get(study__nct_id="NCT09100001")
    assert (record.start_date, record.start_date_type) == ("2025-03-14", "actual")
    assert (record.primary_completion_date, record.primary_completion_date_type) == ("2028-06", "estimated")
    assert record.first_posted == date(2025, 1, 24) and record.last_update_posted == date(2026, 9, 5)
    assert (record.enrollment_count, record.enrollment_type) == (45, "estimated")
    assert record.enrollment_text == "45 people expected"
    assert record.lead_sponsor == "Synthetic Therapeutics Inc. (synthetic)"
    assert record.collaborators == ["Dartmouth-Hitchcock Medical Center",
                                    "National Heart, Lung, and Blood Institute (NHLBI)"]
    assert record.primary_purpose == "treatment"
    assert [arm["label"] for arm in record.arms] == ["Part A: dose finding", "Part B: expansion"]
    assert record.interventions[0] == {"type": "genetic", "name": "SYN-101", "other_names": ["synthetic-cel"],
                                       "description": "Autologous CD34+ cells modified with a synthetic vector."}
    assert [o["measure"] for o in record.primary_outcomes] == ["Number of participants with adverse events"]
    assert len(record.secondary_outcomes) == 2
    assert record.minimum_age == "12 Years" and record.standard_ages == ["child", "adult"]
    assert record.standard_ages_text == "Children (birth to 17), Adults (18 to 64)"
    assert "**Part A**" in record.description  # kept as Markdown, rendered on the page


def test_sites_keep_facility_place_status_public_contacts_and_geo_point(center):
    run(str(PAGE1))
    sites = list(Location.objects.filter(study__nct_id="NCT09100001"))
    assert len(sites) == 10
    ours = sites[0]
    assert ours.is_ours and ours.facility == "Dartmouth-Hitchcock Medical Center"
    assert not any(site.is_ours for site in sites[1:])
    assert (ours.city, ours.state, ours.zip_code, ours.country) == ("Lebanon", "New Hampshire", "03756",
                                                                    "United States")
    assert (ours.latitude, ours.longitude) == (43.677, -72.2704) and ours.status == "recruiting"
    assert ours.contacts[0] == {"name": "Site Coordinator (synthetic)", "role": "contact",
                                "phone": "555-0100 ext. 12", "email": "site@example.org"}
    assert {site.status for site in sites[4:]} == {"not_yet_recruiting"}


def test_importing_again_replaces_sites_and_keeps_a_site_staff_marked_ours(center):
    run(str(PAGE1))
    berlin = Location.objects.get(city="Berlin")
    berlin.is_ours = True
    berlin.save()
    run(str(PAGE1))
    assert Location.objects.filter(study__nct_id="NCT09100001").count() == 10
    assert Location.objects.get(city="Berlin").is_ours


def test_api_v1_and_classic_xml_files_are_recognised_and_named(center):
    with pytest.raises(CommandError, match="retired API v1"):
        run(str(DATA / "ctgov_v1_full_studies.json"))
    with pytest.raises(CommandError, match=r"classic XML study record \(<clinical_study>\)"):
        run(str(DATA / "ctgov_classic.xml"))


def test_a_v1_record_inside_a_list_is_refused_by_name(center):
    v1 = json.loads((DATA / "ctgov_v1_full_studies.json").read_text())["FullStudiesResponse"]["FullStudies"][0]
    report = import_records([v1], center=center)
    assert "retired API v1" in report.errors[0][2]


@pytest.mark.parametrize("path,value,message", [
    (("contactsLocationsModule", "locations", 0, "geoPoint", "lat"), 123.4,
     "contactsLocationsModule.locations[0].geoPoint.lat must be a number from -90 to 90"),
    (("contactsLocationsModule", "locations", 2, "status"), "OPEN",
     "contactsLocationsModule.locations[2].status “OPEN”"),
    (("armsInterventionsModule", "interventions", 1, "type"), "PILL",
     "armsInterventionsModule.interventions[1].type “PILL”"),
    (("statusModule", "startDateStruct", "date"), "March 2025", "statusModule.startDateStruct.date “March 2025”"),
    (("designModule", "enrollmentInfo", "count"), "45", "designModule.enrollmentInfo.count must be a whole number"),
])
def test_a_bad_value_deep_in_a_record_names_its_field_and_nothing_is_half_loaded(center, path, value, message):
    records = read_page(PAGE1.read_text()).records
    node = records[0]["protocolSection"]
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    report = import_records(records, center=center)
    assert [(n, nct) for n, nct, _ in report.errors] == [(1, "NCT09100001")]
    assert message in report.errors[0][2]
    assert report.created == [] and Study.objects.count() == 0 and Location.objects.count() == 0


@pytest.mark.parametrize("code", ["ENROLLING_BY_INVITATION", "SUSPENDED", "NO_LONGER_AVAILABLE",
                                  "TEMPORARILY_NOT_AVAILABLE", "APPROVED_FOR_MARKETING", "WITHHELD", "WITHDRAWN"])
def test_every_overall_status_is_kept(center, code):
    records = read_page(PAGE2.read_text()).records
    records[0]["protocolSection"]["statusModule"]["overallStatus"] = code
    assert import_records(records, center=center).ok
    assert Study.objects.get().status == code.lower()


def test_import_file_reads_the_page(center):
    report = import_file(PAGE2, center=center)
    assert report.created == ["NCT09100003"]
