"""The lists a signed-in person opens most ("My requests", "My biobank requests", "My partnership
inquiries") are rendered once per change and then served from the cache: what a person sees
changes as soon as the data does, nobody sees another person's page, and rights are checked on
every visit."""

import datetime
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from biobank import services as biobank_services
from biobank.models import Sample, SampleRequest
from collaborations import services as partnership_services
from consultations import services as consultation_services
from consultations.models import Status
from tests.biobank.factories import SampleRequestFactory
from tests.consultations.factories import ConsultationRequestFactory

MY_REQUESTS = reverse("consultations:mine")
MY_PARTNERSHIPS = reverse("collaborations:mine")
MY_BIOBANK = reverse("biobank:my_requests")
pytestmark = pytest.mark.django_db


def _without_tokens(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def _inquiry(person, organisation):
    return partnership_services.submit_inquiry(
        submitted_by=person, organisation=organisation, kind="academic", contact_name="Cleo",
        contact_email=person.email, area="other", proposal="A joint study of something synthetic.")


def test_a_second_visit_asks_the_database_only_who_is_signed_in(client, researcher, service,
                                                              django_assert_max_num_queries):
    ConsultationRequestFactory(requester=researcher, service=service, title="Power analysis for trial")
    client.force_login(researcher)
    first = client.get(MY_REQUESTS).content.decode()
    with django_assert_max_num_queries(3):  # the session's user (and its second step), nothing of the list
        again = client.get(MY_REQUESTS).content.decode()
    assert "Power analysis for trial" in first and "Power analysis for trial" in again


def test_a_status_change_shows_on_the_next_visit(client, researcher, service, staff_a):
    consultation = ConsultationRequestFactory(requester=researcher, service=service, title="Sample size help")
    client.force_login(researcher)
    assert "Submitted" in client.get(MY_REQUESTS).content.decode()
    consultation_services.change_status(consultation, Status.TRIAGED, by=staff_a)
    page = client.get(MY_REQUESTS).content.decode()
    assert "Triaged" in page and "Submitted</span>" not in page


def test_logged_hours_show_on_the_next_visit(client, researcher, service, staff_a):
    consultation = ConsultationRequestFactory(requester=researcher, service=service, status=Status.IN_PROGRESS,
                                              assignee=staff_a)
    client.force_login(researcher)
    client.get(MY_REQUESTS)
    consultation_services.log_time(consultation, consultant=staff_a, hours=Decimal("2.5"),
                                   date=datetime.date.today())
    assert "2.5" in client.get(MY_REQUESTS).content.decode()


def test_each_person_sees_their_own_page(client, researcher, other_researcher, service):
    ConsultationRequestFactory(requester=researcher, service=service, title="Rae's own question")
    client.force_login(researcher)
    assert "Rae&#x27;s own question" in client.get(MY_REQUESTS).content.decode()
    client.force_login(other_researcher)
    page = client.get(MY_REQUESTS).content.decode()
    assert "Rae&#x27;s own question" not in page and "You have not asked for a consultation yet" in page


def test_a_role_taken_away_counts_on_the_very_next_visit(client, researcher):
    client.force_login(researcher)
    assert client.get(MY_REQUESTS).status_code == 200
    researcher.groups.remove(Group.objects.get(name=roles.RESEARCHER))
    response = client.get(MY_REQUESTS)
    assert "You have not asked for a consultation yet" not in response.content.decode()


def test_a_new_partnership_inquiry_shows_at_once(client, collaborator):
    client.force_login(collaborator)
    _inquiry(collaborator, "First Synthetic University")
    assert "First Synthetic University" in client.get(MY_PARTNERSHIPS).content.decode()
    _inquiry(collaborator, "Second Synthetic Foundation")
    page = client.get(MY_PARTNERSHIPS).content.decode()
    assert "First Synthetic University" in page and "Second Synthetic Foundation" in page


def test_a_sample_request_moved_by_staff_shows_its_new_status(client, researcher, biobank_staff):
    obj = SampleRequestFactory(researcher=researcher, title="Plasma for a synthetic study")
    client.force_login(researcher)
    page = client.get(MY_BIOBANK).content.decode()
    assert "Plasma for a synthetic study" in page and "Under review" not in page
    biobank_services.move_request(obj, SampleRequest.Status.UNDER_REVIEW, by=biobank_staff)
    assert "Under review" in client.get(MY_BIOBANK).content.decode()


def test_the_form_on_a_stored_page_carries_the_visitors_own_token(client, researcher):
    from consultations.models import Draft

    Draft.objects.create(requester=researcher, title="Half-written request", data={"title": "Half-written request"})
    client.force_login(researcher)
    client.get(MY_REQUESTS)
    page = client.get(MY_REQUESTS).content.decode()
    assert "Half-written request" in page  # the draft and its delete form, from the stored page
    assert "__csrf-token-of-this-visitor__" not in page and 'name="csrfmiddlewaretoken" value="' in page


# --- the studies app: a patient's inquiries, a team's studies, the bed board's week --------------

def test_a_patients_inquiry_moved_by_the_team_shows_its_new_status(client, patient, study_team_member):
    from studies.models import Interest
    from studies.services import change_interest_status
    from tests.studies.factories import InterestFactory, StudyFactory

    interest = InterestFactory(study=StudyFactory(lay_title="Sleep and heart (synthetic)", team=[study_team_member]),
                               user=patient, email=patient.email)
    client.force_login(patient)
    before = client.get(reverse("studies:my_inquiries")).content.decode()
    assert "Sleep and heart (synthetic)" in before and "The study team has been in touch" not in before
    change_interest_status(interest, Interest.Status.CONTACTED, by=study_team_member)
    assert "The study team has been in touch" in client.get(reverse("studies:my_inquiries")).content.decode()


def test_the_team_list_follows_new_inquiries_and_who_is_on_the_team(client, study_team_member):
    from tests.studies.factories import InterestFactory, StudyFactory

    study = StudyFactory(short_title="GLOW-2", team=[study_team_member])
    client.force_login(study_team_member)
    before = client.get("/studies/team/").content.decode()
    assert "GLOW-2" in before
    InterestFactory.create_batch(3, study=study)
    after = client.get("/studies/team/").content.decode()
    assert "3 new" not in before and "3 new" in after
    study.team.remove(study_team_member)  # taken off the team: the study leaves the list at once
    assert "GLOW-2" not in client.get("/studies/team/").content.decode()


def test_a_new_booking_shows_on_the_week_and_the_rights_are_checked_every_visit(client, study_team_member):
    from studies.models import Bed
    from tests.studies.factories import StudyFactory, ensure_beds
    from tests.studies.test_beds import at, fill

    ensure_beds()
    study = StudyFactory(short_title="BED-7", team=[study_team_member], trc_inpatient=True)
    client.force_login(study_team_member)
    week = {"start": timezone.localdate().isoformat()}
    assert "BED-7" not in client.get("/studies/beds/week/", week).content.decode()
    fill([5], at(1, 14), at(2, 10), study=study)
    assert "BED-7" in client.get("/studies/beds/week/", week).content.decode()
    assert Bed.objects.count() == 18
    study_team_member.groups.clear()
    assert client.get("/studies/beds/week/", week).status_code == 403


# --- the staff desk's box map and pick list: samples change in bulk, without a signal per row --------

def test_the_box_map_follows_bulk_reservations_and_moves(client, biobank_staff):
    from biobank import services as sample_services
    from biobank.storage import services as storage
    from tests.biobank.factories import SampleFactory, box_named

    box, other = box_named("F1", "R1", "B1", rows=3, columns=3), box_named("F1", "R1", "B2", rows=3, columns=3)
    first = SampleFactory(box=box, pos_row=1, pos_col=1, barcode="MAP-1")
    SampleFactory(box=box, pos_row=1, pos_col=2, barcode="MAP-2")
    url = reverse("admin:biobank_storagecontainer_map", args=[box.pk])
    client.force_login(biobank_staff)
    assert "Reserved: 0" in client.get(url).content.decode()
    sample_services.move_samples(Sample.objects.filter(barcode="MAP-2"), Sample.Status.RESERVED,
                                 by=biobank_staff, reason="held for a request")  # one bulk UPDATE
    assert "Reserved: 1" in client.get(url).content.decode()
    storage.move_sample(first, box=other, by=biobank_staff, reason="tidy")
    html = client.get(url).content.decode()
    assert "MAP-1" not in html and "Free: 8" in html


def test_the_pick_list_follows_a_sample_moved_meanwhile(client, biobank_staff, researcher):
    from biobank import services as sample_services
    from biobank.distribution import services as distribution
    from biobank.storage import services as storage
    from tests.biobank.factories import SampleFactory, box_named

    box, other = box_named("F01", "R01", "B01"), box_named("F09", "R09", "B09")
    sample = SampleFactory(box=box, pos_row=1, pos_col=1, barcode="PICK-9")
    request_obj = SampleRequestFactory(researcher=researcher, status="approved", samples_requested=1,
                                       criteria={"sample_type": sample.sample_type})
    sample_services.reserve_samples(request_obj, by=biobank_staff)
    order = distribution.create_order(request_obj, by=biobank_staff)
    url = reverse("admin:biobank_distributionorder_picklist", args=[order.pk])
    client.force_login(biobank_staff)
    assert "F01 / R01 / B01" in client.get(url).content.decode()
    storage.move_sample(Sample.objects.get(pk=sample.pk), box=other, by=biobank_staff, reason="freezer swap")
    html = client.get(url).content.decode()
    assert "F09 / R09 / B09" in html and "F01 / R01 / B01" not in html


def test_staff_of_other_roles_still_get_403_on_a_stored_box_map(client, biobank_staff, staff_a):
    from tests.biobank.factories import box_named

    box = box_named("F1", "R1", "B1", rows=3, columns=3)
    url = reverse("admin:biobank_storagecontainer_map", args=[box.pk])
    client.force_login(biobank_staff)
    assert client.get(url).status_code == 200
    client.force_login(staff_a)
    assert client.get(url).status_code == 403


def test_the_dashboard_is_stored_per_person_and_still_refuses_others(client, staff_a, staff_b, researcher,
                                                                     django_assert_max_num_queries):
    url = reverse("dashboards:dashboard")
    client.force_login(staff_a)
    first = client.get(url).content.decode()
    assert "Center A for Testing" in first
    with django_assert_max_num_queries(4):  # who is signed in and their scope; the page itself is stored
        again = client.get(url).content.decode()
    assert _without_tokens(again) == _without_tokens(first)  # each visit gets its own CSRF token
    client.force_login(staff_b)
    other = client.get(url).content.decode()
    assert "Center B for Testing" in other and "Center A for Testing" not in other
    client.force_login(researcher)
    assert client.get(url).status_code == 403


def test_a_stored_concept_search_is_forgotten_when_an_extract_is_loaded():
    from ehr import selectors
    from ehr.models import Concept

    Concept.objects.create(domain="condition", system="http://snomed.info/sct", code="44054006",
                           display="Diabetes mellitus type 2", participant_count=40, fact_count=90)
    assert [c.participant_count for c in selectors.search_concepts("diab")] == [40]
    Concept.objects.filter(code="44054006").update(participant_count=41)  # as a load's SQL does
    assert [c.participant_count for c in selectors.search_concepts("DIAB")] == [40]  # the stored answer
    selectors.concepts_changed()  # what every load calls
    assert [c.participant_count for c in selectors.search_concepts("diab")] == [41]
