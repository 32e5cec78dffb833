"""The staff desk: study teams see and work only their own studies and inquiries."""

from __future__ import annotations

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

from accounts.models import ProtectedAccess
from studies.models import Interest

from .factories import BedBookingFactory, ConditionFactory, InterestFactory, StudyFactory, bed

pytestmark = pytest.mark.django_db
S = Interest.Status
INTERESTS = "/admin/studies/interest/"
STUDIES = "/admin/studies/study/"


def listed(response) -> set:
    return set(response.context["cl"].result_list)


def test_a_team_member_sees_only_their_studies_and_inquiries(client, study_team_member, study, other_study):
    mine, theirs = InterestFactory(study=study), InterestFactory(study=other_study)
    client.force_login(study_team_member)
    assert listed(client.get(STUDIES)) == {study}
    assert listed(client.get(INTERESTS)) == {mine}
    assert client.get(f"{STUDIES}{other_study.pk}/change/").status_code == 302  # "does not exist"
    assert client.get(f"{INTERESTS}{theirs.pk}/change/").status_code == 302
    assert not ProtectedAccess.objects.exists()


def test_dcr_staff_curate_every_study_but_never_see_inquiries(client, dcr_staff, study, other_study):
    InterestFactory(study=study)
    client.force_login(dcr_staff)
    assert listed(client.get(STUDIES)) == {study, other_study}
    assert client.get(f"{STUDIES}add/").status_code == 200
    assert client.get(INTERESTS).status_code == 403


def test_a_study_page_is_kept_until_the_study_or_its_team_changes(client, study_team_member, study):
    client.force_login(study_team_member)
    url = f"{STUDIES}{study.pk}/change/"
    assert client.get(url).templates
    assert not client.get(url).templates  # served as kept
    study.lay_title = "A new plain title (synthetic)"
    study.save()
    assert "A new plain title (synthetic)" in client.get(url).content.decode()
    study.team.remove(study_team_member)
    assert client.get(url).status_code == 302  # "does not exist" for someone off the team


def test_people_without_a_staff_role_get_no_study_admin(client, patient, researcher):
    client.force_login(patient)
    assert client.get(STUDIES).status_code == 302  # not staff: sent to the admin sign-in
    assert client.get(INTERESTS).status_code == 302


def test_superusers_see_every_inquiry(client, superuser, study, other_study):
    interests = {InterestFactory(study=study), InterestFactory(study=other_study)}
    client.force_login(superuser)
    assert listed(client.get(INTERESTS)) == interests


def test_opening_an_inquiry_shows_contact_details_and_logs_the_view(client, study_team_member, study):
    interest = InterestFactory(study=study, name="Jo Volunteer (synthetic)", email="jo@example.org",
                               answers={"7": {"question": "Do you snore?", "kind": "yes_no", "answer": "yes"}})
    client.force_login(study_team_member)
    body = client.get(f"{INTERESTS}{interest.pk}/change/").content.decode()
    assert "Jo Volunteer (synthetic)" in body and "jo@example.org" in body and "Do you snore?" in body
    access = ProtectedAccess.objects.get()
    assert (access.user, access.record_id, access.fields) == (study_team_member, str(interest.pk), "email,name,phone")
    assert access.path == f"{INTERESTS}{interest.pk}/change/"


def test_the_changelist_shows_no_names_or_contact_details(client, study_team_member, study):
    InterestFactory(study=study, name="Jo Volunteer (synthetic)", email="jo@example.org")
    client.force_login(study_team_member)
    body = client.get(INTERESTS).content.decode()
    assert "Jo Volunteer" not in body and "jo@example.org" not in body


def test_an_inquiry_cannot_be_added_edited_or_deleted_by_the_team(client, study_team_member, study):
    interest = InterestFactory(study=study)
    client.force_login(study_team_member)
    assert client.get(f"{INTERESTS}add/").status_code == 403
    client.post(f"{INTERESTS}{interest.pk}/change/", {"name": "Changed"})
    interest.refresh_from_db()
    assert interest.name != "Changed"
    assert client.post(f"{INTERESTS}{interest.pk}/delete/", {"post": "yes"}).status_code == 403


def run_action(client, action, interests, **extra):
    data = {"action": action, ACTION_CHECKBOX_NAME: [i.pk for i in interests], **extra}
    return client.post(INTERESTS, data, follow=True)


def test_actions_move_inquiries_through_the_status_function(client, study_team_member, study):
    first, second = InterestFactory(study=study), InterestFactory(study=study)
    client.force_login(study_team_member)
    body = run_action(client, "mark_contacted", [first, second]).content.decode()
    assert "2 inquiries marked contacted." in body
    for interest in (first, second):
        interest.refresh_from_db()
        assert interest.status == S.CONTACTED
        assert interest.status_changes.get().by == study_team_member
    run_action(client, "mark_eligible", [first])
    run_action(client, "mark_consented", [first])
    run_action(client, "mark_enrolled", [first])
    run_action(client, "mark_declined", [second])
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (S.ENROLLED, S.DECLINED)
    body = run_action(client, "mark_withdrawn", [first, second]).content.decode()
    assert "1 inquiry marked withdrawn." in body
    assert f"Not moved: {second.reference}: Inquiry {second.reference} is declined; it cannot be marked withdrawn." in body


def test_an_action_cannot_reach_another_teams_inquiry(client, study_team_member, other_study):
    theirs = InterestFactory(study=other_study)
    client.force_login(study_team_member)
    run_action(client, "mark_contacted", [theirs])
    theirs.refresh_from_db()
    assert theirs.status == S.NEW


def test_ineligible_asks_for_a_reason_first(client, study_team_member, study):
    interest = InterestFactory(study=study)
    client.force_login(study_team_member)
    response = run_action(client, "mark_ineligible", [interest])
    assert "Why are they not eligible?" in response.content.decode()
    interest.refresh_from_db()
    assert interest.status == S.NEW

    response = run_action(client, "mark_ineligible", [interest], apply="1", reason="")
    assert "Say why the person is not eligible." in response.content.decode()
    interest.refresh_from_db()
    assert interest.status == S.NEW

    body = run_action(client, "mark_ineligible", [interest], apply="1", reason="Over the age limit").content.decode()
    assert "1 inquiry marked ineligible." in body
    interest.refresh_from_db()
    assert (interest.status, interest.status_reason) == (S.INELIGIBLE, "Over the age limit")


def test_the_changelist_filters_by_status_and_age(client, study_team_member, study):
    new, contacted = InterestFactory(study=study), InterestFactory(study=study, status=S.CONTACTED)
    client.force_login(study_team_member)
    assert listed(client.get(INTERESTS, {"status__exact": "contacted"})) == {contacted}
    assert listed(client.get(INTERESTS, {"received": "today"})) == {new, contacted}
    assert listed(client.get(INTERESTS, {"received": "older"})) == set()


def test_a_team_member_edits_their_study_but_not_its_team(client, study_team_member, study, other_team_member):
    client.force_login(study_team_member)
    body = client.get(f"{STUDIES}{study.pk}/change/").content.decode()
    assert 'name="lay_title"' in body and 'name="team"' not in body
    assert client.get(f"{STUDIES}add/").status_code == 403


def test_interest_changelist_query_count(client, study_team_member, study, django_assert_max_num_queries):
    for number in range(5):
        other = StudyFactory(team=[study_team_member])
        InterestFactory(study=other)
    for number in range(15):
        InterestFactory(study=study)
    client.force_login(study_team_member)
    # session, user, second-step device (django-otp), count, page with studies, study filter options,
    # action permission checks
    with django_assert_max_num_queries(9):
        response = client.get(INTERESTS)
    assert len(response.context["cl"].result_list) == 20


def test_study_changelist_query_count(client, dcr_staff, django_assert_max_num_queries):
    conditions = [ConditionFactory(name=f"Condition {n}") for n in range(3)]
    for number in range(15):
        study = StudyFactory(conditions=conditions)
        InterestFactory(study=study)
    client.force_login(dcr_staff)
    with django_assert_max_num_queries(8):
        response = client.get(STUDIES)
    assert len(response.context["cl"].result_list) == 15


def test_study_changelist_counts_each_studys_inquiries(client, dcr_staff):
    busy, quiet = StudyFactory(lay_title="Busy study"), StudyFactory(lay_title="Quiet study")
    InterestFactory.create_batch(3, study=busy)
    InterestFactory(study=busy, status=Interest.Status.CONTACTED)
    client.force_login(dcr_staff)
    rows = {study.lay_title: (study.n_new, study.n_inquiries)
            for study in client.get(STUDIES).context["cl"].result_list}
    assert rows["Busy study"] == (3, 4) and rows["Quiet study"] == (0, 0)
    by_new = client.get(STUDIES, {"o": "-7"}).context["cl"].result_list  # the "new" column, most first
    assert [s.lay_title for s in by_new][:2] == ["Busy study", "Quiet study"]


def test_booking_changelist_query_count(client, dcr_staff, django_assert_max_num_queries):
    from datetime import timedelta

    from django.utils import timezone
    from psycopg2.extras import DateTimeTZRange

    start = timezone.now()
    for number in range(1, 13):
        BedBookingFactory(bed=bed(number), created_by=dcr_staff,
                          period=DateTimeTZRange(start, start + timedelta(days=number)))
    client.force_login(dcr_staff)
    with django_assert_max_num_queries(8):
        response = client.get("/admin/studies/bedbooking/")
    assert len(response.context["cl"].result_list) == 12


def test_admin_booking_form_names_free_beds_instead_of_a_database_error(client, dcr_staff, beds):
    from datetime import timedelta

    from django.utils import timezone
    from psycopg2.extras import DateTimeTZRange

    start = (timezone.localtime() + timedelta(days=5)).replace(hour=8, minute=0, second=0, microsecond=0)
    study = StudyFactory()
    for number in (1, 2):
        BedBookingFactory(bed=bed(number), study=study, period=DateTimeTZRange(start, start + timedelta(days=2)))
    client.force_login(dcr_staff)
    data = {"bed": bed(1).pk, "study": study.pk, "status": "booked", "note": "",
            "admission": (start + timedelta(hours=4)).strftime("%Y-%m-%dT%H:%M"),
            "discharge": (start + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")}
    response = client.post("/admin/studies/bedbooking/add/", data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Bed 1 is already booked for part of that time." in body
    assert "Free for the whole stay: beds 3 to 18." in body
    data["bed"] = bed(3).pk
    assert client.post("/admin/studies/bedbooking/add/", data).status_code == 302


def test_history_pages_stay_within_the_team_and_log_reads(client, study_team_member, study, other_study):
    mine, theirs = InterestFactory(study=study), InterestFactory(study=other_study)
    client.force_login(study_team_member)
    theirs_version = theirs.history.first().history_id
    assert client.get(f"{INTERESTS}{theirs.pk}/history/").status_code == 404
    assert client.get(f"{INTERESTS}{theirs.pk}/history/{theirs_version}/").status_code == 404
    assert client.get(f"{STUDIES}{other_study.pk}/history/").status_code == 404
    assert not ProtectedAccess.objects.exists()
    assert client.get(f"{INTERESTS}{mine.pk}/history/").status_code == 200
    assert ProtectedAccess.objects.get().path == f"{INTERESTS}{mine.pk}/history/"


def test_a_past_version_cannot_be_restored(client, superuser, study):
    interest = InterestFactory(study=study, name="Original (synthetic)")
    version = interest.history.first().history_id
    client.force_login(superuser)
    assert client.get(f"{INTERESTS}{interest.pk}/history/{version}/").status_code == 200
    response = client.post(f"{INTERESTS}{interest.pk}/history/{version}/", {"name": "Rewritten", "_change_history": "1"})
    assert response.status_code == 403
    interest.refresh_from_db()
    assert interest.name == "Original (synthetic)"


def test_dcr_staff_add_a_study_and_bad_input_is_explained(client, dcr_staff, center_a):
    StudyFactory(nct_id="NCT01234567")
    client.force_login(dcr_staff)
    data = {"title": "A trial", "short_title": "NEW-1", "lay_title": "A new study", "summary": "What it is for.",
            "nct_id": "NCT01234567", "irb_protocol": "", "phase": "2", "status": "recruiting", "is_public": "on",
            "center": center_a.pk, "pi_name": "Dr Example", "eligibility": "Adults.", "min_age": "60",
            "max_age": "40", "sex": "all", "contact_email": "new@dcr.example.org", "inpatient_nights": "0",
            "questions-TOTAL_FORMS": "1", "questions-INITIAL_FORMS": "0", "questions-MIN_NUM_FORMS": "0",
            "questions-MAX_NUM_FORMS": "1000", "questions-0-order": "1", "questions-0-text": "Do you smoke?",
            "questions-0-kind": "yes_no", "study_type": "interventional",
            **{f"{prefix}-{key}": value for prefix in ("spanish", "locations", "registry")
               for key, value in (("TOTAL_FORMS", "0"), ("INITIAL_FORMS", "0"))}}
    body = client.post(f"{STUDIES}add/", data).content.decode()
    assert "Another study already has this NCT number." in body
    assert "The minimum age must not be above the maximum age." in body
    data.update(nct_id="NCT07654321", min_age="18")
    response = client.post(f"{STUDIES}add/", data)
    assert response.status_code == 302
    from studies.models import Study

    study = Study.objects.get(nct_id="NCT07654321")
    assert study.questions.get().text == "Do you smoke?"
    assert "'new':2A" in str(Study.objects.filter(pk=study.pk).values_list("search_vector", flat=True)[0])


@pytest.mark.parametrize("nct_id, editable", [("NCT05550001", False), ("", True)])
def test_registry_sites_are_shown_not_offered_as_inputs(client, superuser, nct_id, editable):
    """A study from ClinicalTrials.gov: its import rewrites the sites, so staff only mark ours."""
    from studies.models import Location

    study = StudyFactory(nct_id=nct_id)
    Location.objects.create(study=study, facility="Synthetic General", city="Hanover", status="recruiting")
    client.force_login(superuser)
    body = client.get(f"{STUDIES}{study.pk}/change/").content.decode()
    assert "Hanover" in body and 'name="locations-0-is_ours"' in body
    assert ('name="locations-0-city"' in body) is editable
