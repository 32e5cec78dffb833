"""A saved cohort travels into a sample or re-contact request; biobank staff see its exact matches."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import ProtectedAccess
from biobank.models import RecontactRequest, Sample, SampleRequest
from cohorts.models import SavedCohort
from tests.cohorts.conftest import people

pytestmark = pytest.mark.django_db

STATE = "g0-c0-concept=icd10cm%3AE11&sample_type=plasma"


@pytest.fixture
def diabetics(records):
    group = people(12, sex="F")
    for person in group:
        records.give(person, records.diabetes)
    people(5, sex="F")  # no diabetes
    return group


def save(client, name="Women with diabetes"):
    return client.post(reverse("cohorts:save"), {"name": name, "state": STATE}, follow=True)


def test_save_open_and_delete_a_cohort(client, approved, diabetics):
    client.force_login(approved)
    assert "Cohort &quot;Women with diabetes&quot; saved." in save(client).content.decode()
    cohort = SavedCohort.objects.get(owner=approved)
    assert cohort.question["groups"][0]["criteria"][0] == {"system": "icd10cm", "code": "E11"}
    page = client.get(reverse("cohorts:saved")).content.decode()
    assert "ICD-10-CM E11 and its subcodes" in page and "Plasma" in page
    opened = client.get(reverse("cohorts:open", args=[cohort.pk]))
    assert "g0-c0-concept=icd10cm%3AE11" in opened["Location"]
    save(client)  # the same name again overwrites
    assert SavedCohort.objects.count() == 1
    client.post(reverse("cohorts:delete", args=[cohort.pk]))
    assert not SavedCohort.objects.exists()


def test_a_cohort_needs_a_name(client, approved, diabetics):
    client.force_login(approved)
    assert "Give the cohort a name" in save(client, name="  ").content.decode()
    assert not SavedCohort.objects.exists()


def test_someone_elses_cohort_is_not_found(client, approved, other_researcher, diabetics):
    client.force_login(approved)
    save(client)
    cohort = SavedCohort.objects.get()
    from tests.cohorts.conftest import grant_access

    grant_access(other_researcher)
    client.force_login(other_researcher)
    for name in ("cohorts:open", "cohorts:request_samples", "cohorts:request_recontact"):
        assert client.get(reverse(name, args=[cohort.pk])).status_code == 404


def test_a_sample_request_carries_the_cohort_and_staff_see_the_exact_matches(client, approved, biobank_staff,
                                                                             diabetics):
    client.force_login(approved)
    save(client)
    cohort = SavedCohort.objects.get()
    response = client.post(reverse("cohorts:request_samples", args=[cohort.pk]), {
        "irb_protocol": "IRB-2026-0142", "title": "Diabetes plasma (synthetic)", "samples_requested": "10",
        "purpose": "Inflammation markers in plasma."}, follow=True)
    request_obj = SampleRequest.objects.get()
    assert request_obj.criteria["sample_type"] == "plasma"
    assert request_obj.criteria["cohort"]["name"] == "Women with diabetes"
    assert "ICD-10-CM E11 and its subcodes" in response.content.decode()

    request_obj.status = SampleRequest.Status.APPROVED
    request_obj.save()
    client.force_login(biobank_staff)
    url = reverse("admin:cohorts_request_matches", args=[request_obj.reference])
    page = client.get(url).content.decode()
    assert "12 participants match it exactly" in page
    assert all(person.biobank_id in page for person in diabetics)
    assert ProtectedAccess.objects.filter(user=biobank_staff, fields="ehr_match").count() == 12
    client.post(url, {"reserve": "1"})
    reserved = Sample.objects.filter(reserved_for=request_obj)
    assert reserved.count() == 10 and {s.participant_id for s in reserved} <= {p.pk for p in diabetics}


def test_a_recontact_request_from_a_cohort(client, approved, diabetics):
    client.force_login(approved)
    save(client)
    cohort = SavedCohort.objects.get()
    client.post(reverse("cohorts:request_recontact", args=[cohort.pk]), {
        "irb_protocol": "IRB-2026-0142", "title": "Diabetes follow-up (synthetic)", "participants_requested": "5",
        "message": "Researchers at the hospital are starting a study on diabetes; reply if you wish to hear more."})
    request_obj = RecontactRequest.objects.get()
    assert request_obj.criteria["recontact"] == "yes" and request_obj.criteria["cohort"]["name"] == cohort.name


def test_other_staff_cannot_see_the_matches(client, approved, staff_a, diabetics):
    client.force_login(approved)
    save(client)
    cohort = SavedCohort.objects.get()
    client.post(reverse("cohorts:request_samples", args=[cohort.pk]), {
        "irb_protocol": "IRB-2026-0142", "title": "T", "samples_requested": "1", "purpose": "P"})
    client.force_login(staff_a)
    url = reverse("admin:cohorts_request_matches", args=[SampleRequest.objects.get().reference])
    assert client.get(url).status_code == 403
