"""Re-contact: only participants who consented to it, and have not withdrawn, are counted or contacted."""

import pytest
from django.urls import reverse

from accounts.models import ProtectedAccess
from biobank import selectors, services
from biobank.criteria import CohortCriteria
from biobank.models import RecontactSelection
from tests.biobank.factories import ParticipantFactory, RecontactRequestFactory


@pytest.fixture
def mixed(db):
    return {
        "yes": [ParticipantFactory(consent_recontact=True) for _ in range(3)],
        "no": [ParticipantFactory(consent_recontact=False) for _ in range(2)],
        "withdrawn": [ParticipantFactory(consent_recontact=True, withdrawn_on="2025-01-01")],
    }


@pytest.mark.django_db
def test_only_consenting_participants_are_counted(mixed):
    assert selectors.recontact_count(CohortCriteria()) == 3
    assert selectors.recontact_count(CohortCriteria(recontact="no")) == 3  # re-contact consent is always required


@pytest.mark.django_db
def test_selection_takes_only_consenting_participants(mixed, biobank_staff):
    req = RecontactRequestFactory(status="approved", participants_requested=10)
    assert services.select_recontact_participants(req, by=biobank_staff) == 3
    assert set(req.selections.values_list("participant_id", flat=True)) == {p.pk for p in mixed["yes"]}
    req.refresh_from_db()
    assert req.status == "contacting"


@pytest.mark.django_db
def test_revoking_recontact_consent_at_the_desk_drops_pending_contacts(client, mixed, biobank_staff):
    person = mixed["yes"][0]
    req = RecontactRequestFactory(status="contacting")
    RecontactSelection.objects.create(request=req, participant=person, selected_by=biobank_staff)
    client.force_login(biobank_staff)
    data = {"sex": "F", "birth_year": "1960", "consent_research": "on", "consent_date": "2020-01-15",
            "consent_version": "v3", "genotyping_platform": "", "genotyping_batch": "", "new_mrn": "",
            "samples-TOTAL_FORMS": "0", "samples-INITIAL_FORMS": "0", "samples-MIN_NUM_FORMS": "0",
            "samples-MAX_NUM_FORMS": "0"}
    response = client.post(reverse("admin:biobank_participant_change", args=[person.pk]), data, follow=True)
    assert f"taken off the contact lists of {req.reference}" in response.content.decode()
    assert not req.selections.exists()


@pytest.mark.django_db
def test_staff_select_and_complete_from_the_contacts_page(client, mixed, biobank_staff):
    req = RecontactRequestFactory(status="approved", participants_requested=2)
    client.force_login(biobank_staff)
    url = reverse("admin:biobank_recontactrequest_contacts", args=[req.pk])
    client.post(url, {"select": "Select", "count": ""})
    assert req.selections.count() == 2
    page = client.get(url).content.decode()
    assert 'id="selected-count">2<' in page and "Download the contact list" in page
    client.post(url, {"complete": "1"})
    req.refresh_from_db()
    assert req.status == "completed"


@pytest.mark.django_db
def test_the_contact_list_is_an_audited_export(client, mixed, biobank_staff):
    req = RecontactRequestFactory(status="approved", participants_requested=3)
    services.select_recontact_participants(req, by=biobank_staff)
    client.force_login(biobank_staff)
    url = reverse("admin:biobank_recontactrequest_contact_list", args=[req.pk])
    assert client.get(url).status_code == 405
    response = client.post(url)
    body = response.content.decode()
    assert response["Content-Type"].startswith("text/csv") and "no-store" in response["Cache-Control"]
    assert body.splitlines()[0] == "biobank_id,mrn"
    assert all(p.reveal_mrn() in body for p in mixed["yes"])
    assert ProtectedAccess.objects.filter(action="export", user=biobank_staff).count() == 3


@pytest.mark.django_db
def test_other_staff_cannot_export_contacts(client, mixed, staff_a, biobank_staff):
    req = RecontactRequestFactory(status="approved", participants_requested=3)
    services.select_recontact_participants(req, by=biobank_staff)
    client.force_login(staff_a)
    assert client.post(reverse("admin:biobank_recontactrequest_contact_list", args=[req.pk])).status_code == 403
    assert not ProtectedAccess.objects.exists()
