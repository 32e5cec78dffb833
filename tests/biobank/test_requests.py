"""Researchers file sample and re-contact requests, follow them, and may withdraw them."""

import pytest
from django.urls import reverse

from biobank.models import RecontactRequest, SampleRequest
from tests.biobank.factories import ParticipantFactory, RecontactRequestFactory, SampleFactory, SampleRequestFactory

NEW_SAMPLE = reverse("biobank:new_sample_request")
NEW_RECONTACT = reverse("biobank:new_recontact_request")
MINE = reverse("biobank:my_requests")


def sample_form(**overrides):
    data = {"irb_protocol": "IRB-2026-0142", "title": "Vitamin D in serum (synthetic)", "sample_type": "dna",
            "sex": "", "birth_year_min": "", "birth_year_max": "", "genotyped": "", "recontact": "",
            "samples_requested": "5", "purpose": "Measure vitamin D in stored samples."}
    return {**data, **overrides}


def recontact_form(**overrides):
    data = {"irb_protocol": "IRB-2026-0077", "title": "Sleep follow-up (synthetic)", "sex": "", "birth_year_min": "",
            "birth_year_max": "", "genotyped": "", "participants_requested": "3",
            "message": "We are studying sleep habits; if you would like to take part, reply to the study team."}
    return {**data, **overrides}


@pytest.fixture
def stock(db):
    """Twelve consenting participants with one DNA sample each."""
    for _ in range(12):
        SampleFactory(participant=ParticipantFactory())


@pytest.mark.django_db
def test_the_form_is_prefilled_from_the_cohort_query(client, researcher):
    client.force_login(researcher)
    html = client.get(NEW_SAMPLE, {"sample_type": "plasma", "sex": "M", "birth_year_min": "1950",
                                   "genotyped": "yes"}).content.decode()
    assert '<option value="plasma" selected>' in html
    assert '<option value="M" selected>' in html
    assert 'value="1950"' in html
    assert '<option value="yes" selected>' in html


@pytest.mark.django_db
def test_filing_a_sample_request(client, researcher, biobank_staff, stock, django_capture_on_commit_callbacks, outbox):
    client.force_login(researcher)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(NEW_SAMPLE, sample_form(sex="F"))
    obj = SampleRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == obj.get_absolute_url()
    assert obj.researcher == researcher and obj.status == "submitted"
    assert obj.reference.startswith("BBS-") and obj.criteria["sex"] == "F" and obj.criteria["sample_type"] == "dna"
    assert {m.to[0] for m in outbox} == {researcher.email, biobank_staff.email}
    for message in outbox:
        assert obj.reference in message.subject
        assert "sign in" in message.body.lower() or "staff desk" in message.body.lower()
    follow = client.get(obj.get_absolute_url())
    assert "was sent to the biobank" in follow.content.decode()


@pytest.mark.django_db
def test_request_form_errors_are_shown_and_what_was_typed_is_kept(client, researcher, stock):
    client.force_login(researcher)
    response = client.post(NEW_SAMPLE, sample_form(irb_protocol="??", samples_requested="0", title=""))
    html = response.content.decode()
    assert response.status_code == 200 and not SampleRequest.objects.exists()
    assert "The request was not sent" in html
    assert "Enter the IRB protocol number" in html
    assert "greater than or equal to 1" in html
    assert 'value="Measure vitamin D in stored samples."' in html or "Measure vitamin D in stored samples." in html


@pytest.mark.django_db
def test_the_form_compares_no_count_so_it_cannot_be_used_to_read_one(client, researcher, stock):
    client.force_login(researcher)
    assert client.post(NEW_SAMPLE, sample_form(sample_type="serum")).status_code == 302  # none match
    assert client.post(NEW_SAMPLE, sample_form(samples_requested="13")).status_code == 302  # 12 match
    assert SampleRequest.objects.count() == 2  # biobank staff check requests against the stock


@pytest.mark.django_db
def test_a_small_cell_is_never_revealed_by_the_form(client, researcher):
    for _ in range(3):
        SampleFactory(participant=ParticipantFactory(), sample_type="serum")
    client.force_login(researcher)
    response = client.post(NEW_SAMPLE, sample_form(sample_type="serum", samples_requested="9"))
    assert response.status_code == 302  # no comparison that would tell 3 from 9
    assert SampleRequest.objects.get().samples_requested == 9


@pytest.mark.django_db
def test_filing_a_recontact_request(client, researcher, stock, django_capture_on_commit_callbacks, outbox):
    client.force_login(researcher)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(NEW_RECONTACT, recontact_form(sex="F"))
    obj = RecontactRequest.objects.get()
    assert response.status_code == 302 and obj.criteria["recontact"] == "yes" and obj.criteria["sex"] == "F"
    assert obj.message.startswith("We are studying sleep")
    assert outbox and obj.reference in outbox[0].subject


@pytest.mark.django_db
def test_recontact_message_must_say_enough(client, researcher, stock):
    client.force_login(researcher)
    html = client.post(NEW_RECONTACT, recontact_form(message="Hi")).content.decode()
    assert "Ensure this value has at least 40 characters" in html


@pytest.mark.django_db
def test_my_requests_lists_only_mine(client, researcher, other_researcher, django_assert_max_num_queries):
    SampleRequestFactory.create_batch(4, researcher=researcher)
    RecontactRequestFactory.create_batch(3, researcher=researcher)
    theirs = SampleRequestFactory(researcher=other_researcher, title="Not yours (synthetic)")
    client.force_login(researcher)
    with django_assert_max_num_queries(7):
        response = client.get(MINE)
    html = response.content.decode()
    assert html.count("/biobank/requests/sample/BBS-") == 4
    assert html.count("/biobank/requests/recontact/BBC-") == 3
    assert theirs.reference not in html


@pytest.mark.django_db
def test_my_requests_empty_state(client, researcher):
    client.force_login(researcher)
    html = client.get(MINE).content.decode()
    assert "You have not asked for samples yet" in html


@pytest.mark.django_db
def test_someone_elses_request_is_not_found(client, researcher, other_researcher):
    sample = SampleRequestFactory(researcher=other_researcher)
    recontact = RecontactRequestFactory(researcher=other_researcher)
    client.force_login(researcher)
    assert client.get(sample.get_absolute_url()).status_code == 404
    assert client.get(recontact.get_absolute_url()).status_code == 404
    assert client.post(reverse("biobank:withdraw_sample_request", args=[sample.reference])).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("url", [NEW_SAMPLE, NEW_RECONTACT, MINE])
def test_researcher_pages_refuse_other_roles(client, staff_a, url):
    client.force_login(staff_a)
    assert client.get(url).status_code == 403


@pytest.mark.django_db
def test_detail_shows_status_history_and_decision(client, researcher, biobank_staff):
    from biobank import services

    obj = SampleRequestFactory(researcher=researcher)
    services.move_request(obj, "declined", by=biobank_staff, reason="The protocol has expired; renew it first.")
    client.force_login(researcher)
    html = client.get(obj.get_absolute_url()).content.decode()
    assert "The biobank declined this request" in html and "renew it first" in html
    assert "Declined" in html
    assert "Withdraw this request" not in html


@pytest.mark.django_db
def test_detail_query_budget(client, researcher, django_assert_max_num_queries):
    obj = SampleRequestFactory(researcher=researcher)
    client.force_login(researcher)
    with django_assert_max_num_queries(5):
        assert client.get(obj.get_absolute_url()).status_code == 200


@pytest.mark.django_db
def test_researcher_withdraws_an_open_request(client, researcher, django_capture_on_commit_callbacks, outbox):
    obj = SampleRequestFactory(researcher=researcher)
    client.force_login(researcher)
    html = client.get(obj.get_absolute_url()).content.decode()
    assert "Withdraw this request" in html
    response = client.post(reverse("biobank:withdraw_sample_request", args=[obj.reference]), follow=True)
    obj.refresh_from_db()
    assert obj.status == "withdrawn"
    assert f"You withdrew {obj.reference}" in response.content.decode()


@pytest.mark.django_db
def test_withdrawing_a_closed_request_explains_why_not(client, researcher):
    obj = RecontactRequestFactory(researcher=researcher, status="completed")
    client.force_login(researcher)
    response = client.post(reverse("biobank:withdraw_recontact_request", args=[obj.reference]), follow=True)
    assert "cannot become withdrawn" in response.content.decode()
    obj.refresh_from_db()
    assert obj.status == "completed"


@pytest.mark.django_db
def test_withdraw_asks_first(client, researcher):
    obj = SampleRequestFactory(researcher=researcher)
    client.force_login(researcher)
    html = client.get(reverse("biobank:withdraw_sample_request", args=[obj.reference])).content.decode()
    assert f"Withdraw {obj.reference}?" in html and "Keep it" in html
    obj.refresh_from_db()
    assert obj.status == "submitted"
