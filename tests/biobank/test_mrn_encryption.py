"""The MRN is encrypted at rest, found through its blind index, and never leaks by accident."""

import pytest
from django.db import connection
from django.test import override_settings

from biobank import crypto
from biobank.models import Participant
from tests.biobank.factories import ParticipantFactory


@pytest.mark.django_db
def test_the_database_holds_no_plaintext_mrn():
    participant = ParticipantFactory(mrn="SYN4455667")
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM biobank_participant WHERE id = %s", [participant.pk])
        row = " ".join(str(value) for value in cursor.fetchone())
        cursor.execute("SELECT * FROM biobank_historicalparticipant WHERE id = %s", [participant.pk])
        history = " ".join(str(value) for rec in cursor.fetchall() for value in rec)
    assert "4455667" not in row
    assert "4455667" not in history
    assert participant.mrn_encrypted and participant.mrn_hash in row


@pytest.mark.django_db
def test_reveal_decrypts_what_was_stored():
    participant = ParticipantFactory(mrn=" syn-123 4567 ")
    assert Participant.objects.get(pk=participant.pk).reveal_mrn() == "SYN1234567"


@pytest.mark.django_db
def test_reading_mrn_attribute_is_refused_so_templates_cannot_show_it():
    participant = ParticipantFactory()
    with pytest.raises(AttributeError):
        participant.mrn  # noqa: B018


@pytest.mark.django_db
def test_blind_index_finds_a_participant_by_mrn_without_decrypting():
    participant = ParticipantFactory(mrn="SYN7777777")
    ParticipantFactory(mrn="SYN8888888")
    assert list(Participant.objects.filter(mrn_hash=crypto.mrn_digest("syn 7777777"))) == [participant]


def test_same_mrn_encrypts_differently_each_time_but_indexes_the_same():
    assert crypto.encrypt_mrn("SYN1") != crypto.encrypt_mrn("SYN1")
    assert crypto.mrn_digest("SYN1000") == crypto.mrn_digest("syn1000")


def test_keys_come_from_the_configured_secret():
    token = crypto.encrypt_mrn("SYN1234")
    digest = crypto.mrn_digest("SYN1234")
    with override_settings(FIELD_ENCRYPTION_KEY="b3RoZXIta2V5LW9mLWF0LWxlYXN0LTMyLWJ5dGVzISE="):
        assert crypto.mrn_digest("SYN1234") != digest
        with pytest.raises(Exception):
            crypto.decrypt_mrn(token)


@pytest.mark.parametrize("value", ["", "12", "SYN#1234", "A" * 65])
def test_invalid_mrns_are_refused_without_repeating_them(value):
    with pytest.raises(Exception) as caught:
        crypto.validate_mrn(value)
    if value:
        assert value not in str(caught.value)


@pytest.mark.django_db
def test_str_is_the_pseudonym():
    participant = ParticipantFactory(biobank_id="BB0000042", mrn="SYN0000042")
    assert str(participant) == "BB0000042"
