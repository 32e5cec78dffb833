"""The staff desk: biobank staff only; the MRN shown only on an explicit, logged reveal."""

import logging

import pytest
from django.urls import reverse

from accounts.models import ProtectedAccess
from biobank.models import ImportJob, Sample
from tests.biobank.factories import (
    ParticipantFactory,
    RecontactRequestFactory,
    SampleFactory,
    SampleRequestFactory,
)

MRN = "SYN5550123"


@pytest.fixture
def records(db):
    participant = ParticipantFactory(mrn=MRN)
    sample = SampleFactory(participant=participant)
    sample_request = SampleRequestFactory(status="approved")
    recontact = RecontactRequestFactory(status="approved")
    job = ImportJob.objects.create(kind="samples", file_name="x.csv", status="rejected")
    return participant, sample, sample_request, recontact, job


def every_biobank_admin_url(records):
    participant, sample, sample_request, recontact, job = records
    urls = []
    for model, obj in [("participant", participant), ("sample", sample), ("samplerequest", sample_request),
                       ("recontactrequest", recontact), ("importjob", job), ("withdrawal", None)]:
        urls.append(reverse(f"admin:biobank_{model}_changelist"))
        if obj is not None:
            urls.append(reverse(f"admin:biobank_{model}_change", args=[obj.pk]))
    urls += [
        reverse("admin:biobank_participant_history", args=[participant.pk]),
        reverse("admin:biobank_participant_reveal_mrn", args=[participant.pk]),
        reverse("admin:biobank_participant_withdraw", args=[participant.pk]),
        reverse("admin:biobank_participant_add"),
        reverse("admin:biobank_importjob_add"),
        reverse("admin:biobank_samplerequest_move", args=[sample_request.pk]),
        reverse("admin:biobank_samplerequest_fulfil", args=[sample_request.pk]),
        reverse("admin:biobank_recontactrequest_move", args=[recontact.pk]),
        reverse("admin:biobank_recontactrequest_contacts", args=[recontact.pk]),
    ]
    return urls


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["staff_a", "study_team_member"])
def test_other_staff_roles_reach_no_biobank_page(client, records, who, request):
    client.force_login(request.getfixturevalue(who))
    for url in every_biobank_admin_url(records):
        response = client.get(url)
        assert response.status_code == 403, url
        assert MRN.encode() not in response.content
    assert client.get(reverse("admin:app_list", args=["biobank"])).status_code == 404
    assert b"Biobank" not in client.get(reverse("admin:index")).content
    assert not ProtectedAccess.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["researcher", "patient"])
def test_people_without_staff_access_are_sent_to_the_staff_sign_in(client, records, who, request):
    client.force_login(request.getfixturevalue(who))
    for url in every_biobank_admin_url(records):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"], url


@pytest.mark.django_db
def test_biobank_staff_reach_every_page_and_see_no_mrn_until_they_reveal_it(client, records, biobank_staff):
    client.force_login(biobank_staff)
    for url in every_biobank_admin_url(records):
        response = client.get(url)
        assert response.status_code == 200, url
        assert MRN.encode() not in response.content, url
    assert not ProtectedAccess.objects.exists()


@pytest.mark.django_db
def test_reveal_is_explicit_logged_and_never_cached(client, records, biobank_staff, caplog):
    participant = records[0]
    client.force_login(biobank_staff)
    change = client.get(reverse("admin:biobank_participant_change", args=[participant.pk])).content.decode()
    url = reverse("admin:biobank_participant_reveal_mrn", args=[participant.pk])
    assert "Show MRN" in change and url in change
    with caplog.at_level(logging.DEBUG):
        response = client.post(url)
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert f'id="revealed-mrn">{MRN}<' in response.content.decode()
    access = ProtectedAccess.objects.get()
    assert (access.user, access.action, access.record_type, access.record_id, access.fields) == (
        biobank_staff, "reveal", "biobank.Participant", str(participant.pk), "mrn")
    assert MRN not in caplog.text


@pytest.mark.django_db
def test_superuser_may_reveal_too(client, records, superuser):
    client.force_login(superuser)
    response = client.post(reverse("admin:biobank_participant_reveal_mrn", args=[records[0].pk]))
    assert MRN in response.content.decode() and ProtectedAccess.objects.filter(user=superuser).exists()


@pytest.mark.django_db
def test_search_by_mrn_finds_without_showing_and_is_logged(client, records, biobank_staff):
    client.force_login(biobank_staff)
    url = reverse("admin:biobank_participant_changelist")
    html = client.get(url, {"q": "syn 5550123"}).content.decode()
    assert records[0].biobank_id in html and MRN not in html
    assert ProtectedAccess.objects.filter(action="view", path__contains="search by MRN").count() == 1
    assert records[0].biobank_id not in client.get(url, {"q": "SYN0000000"}).content.decode()


@pytest.mark.django_db
def test_biobank_id_and_barcode_search(client, records, biobank_staff):
    participant, sample = records[0], records[1]
    client.force_login(biobank_staff)
    assert sample.barcode in client.get(reverse("admin:biobank_sample_changelist"),
                                        {"q": participant.biobank_id}).content.decode()
    assert sample.barcode in client.get(reverse("admin:biobank_sample_changelist"),
                                        {"q": sample.barcode.lower()}).content.decode()
    assert not ProtectedAccess.objects.exists()


@pytest.mark.django_db
def test_adding_a_participant_stores_the_mrn_encrypted(client, biobank_staff):
    client.force_login(biobank_staff)
    data = {"biobank_id": "BB0000777", "new_mrn": "SYN0007770", "sex": "M", "birth_year": "1971",
            "consent_research": "on", "consent_date": "2021-02-03", "consent_version": "v3",
            "genotyping_platform": "", "genotyping_batch": "", "samples-TOTAL_FORMS": "0",
            "samples-INITIAL_FORMS": "0", "samples-MIN_NUM_FORMS": "0", "samples-MAX_NUM_FORMS": "0"}
    response = client.post(reverse("admin:biobank_participant_add"), data)
    assert response.status_code == 302
    from biobank.models import Participant

    created = Participant.objects.get(biobank_id="BB0000777")
    assert created.reveal_mrn() == "SYN0007770" and "0007770" not in created.mrn_encrypted
    again = client.post(reverse("admin:biobank_participant_add"), {**data, "biobank_id": "BB0000778"})
    assert "already recorded, for participant BB0000777" in again.content.decode()


@pytest.mark.django_db
def test_history_cannot_be_reverted(client, records, biobank_staff):
    participant = records[0]
    client.force_login(biobank_staff)
    version = participant.history.first()
    url = reverse("admin:biobank_participant_simple_history", args=[participant.pk, version.history_id])
    assert client.get(url).status_code == 200
    assert client.post(url, {"sex": "M"}).status_code == 403


@pytest.mark.django_db
def test_sample_actions_move_status_through_the_table(client, records, biobank_staff):
    sample = records[1]
    gone = SampleFactory(status="distributed")
    client.force_login(biobank_staff)
    url = reverse("admin:biobank_sample_changelist")
    response = client.post(url, {"action": "mark_depleted", "_selected_action": [sample.pk, gone.pk]}, follow=True)
    assert "cannot become depleted" in response.content.decode()
    sample.refresh_from_db()
    assert sample.status == "available"
    client.post(url, {"action": "mark_depleted", "_selected_action": [sample.pk]})
    sample.refresh_from_db()
    assert sample.status == "depleted"


@pytest.mark.django_db
def test_adding_a_sample_at_a_taken_position_is_refused(client, records, biobank_staff):
    sample = records[1]
    client.force_login(biobank_staff)
    data = {"barcode": "NEW0001", "participant": sample.participant_id, "sample_type": "dna",
            "collected_at_0": "2024-01-01", "collected_at_1": "10:00", "quantity": "1", "unit": "mL",
            "box": sample.box_id, "position": sample.box.label(sample.pos_row, sample.pos_col)}
    html = client.post(reverse("admin:biobank_sample_add"), data).content.decode()
    assert "Another sample is stored at this position" in html
    assert not Sample.objects.filter(barcode="NEW0001").exists()


# --- Query budgets: changelists do not grow with their rows ----------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("model, budget", [("participant", 8), ("sample", 9), ("withdrawal", 8),
                                           ("samplerequest", 8), ("recontactrequest", 8), ("importjob", 8)])
def test_changelists_stay_within_their_query_budget(client, biobank_staff, django_assert_max_num_queries, model,
                                                    budget):
    from biobank import services

    for _ in range(12):
        participant = ParticipantFactory()
        SampleFactory.create_batch(2, participant=participant, reserved_for=None)
        SampleRequestFactory()
        RecontactRequestFactory()
        ImportJob.objects.create(kind="samples", file_name="a.csv", created_by=biobank_staff)
    for participant in ParticipantFactory._meta.model.objects.all()[:5]:
        services.withdraw_participant(participant, by=biobank_staff, reason="Asked.")
    client.force_login(biobank_staff)
    url = reverse(f"admin:biobank_{model}_changelist")
    client.get(url)  # warm the freezer list cache
    with django_assert_max_num_queries(budget):
        response = client.get(url)
    assert response.status_code == 200


@pytest.mark.django_db
def test_the_unfiltered_sample_list_does_not_count_a_big_table(biobank_staff):
    from django.db import connection

    from biobank.admin import EstimatedCountPaginator

    SampleFactory.create_batch(3)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE pg_class SET reltuples = 123456 WHERE relname = 'biobank_sample'")
    assert EstimatedCountPaginator(Sample.objects.all(), 100).count == 123456
    assert EstimatedCountPaginator(Sample.objects.filter(status="available"), 100).count == 3


@pytest.mark.django_db
def test_participant_autocomplete_finds_partial_biobank_ids(client, biobank_staff):
    ParticipantFactory(biobank_id="BB0123456")
    ParticipantFactory(biobank_id="BB0999999")
    client.force_login(biobank_staff)
    response = client.get(reverse("admin:autocomplete"), {"term": "bb0123", "app_label": "biobank",
                                                          "model_name": "sample", "field_name": "participant"})
    assert [r["text"] for r in response.json()["results"]] == ["BB0123456"]
    assert not ProtectedAccess.objects.exists()
