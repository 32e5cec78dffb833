"""Barcodes and MRNs stay unique (a constraint each) and a duplicate gets the same clear message."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from biobank import crypto
from biobank.models import Participant, Sample
from tests.biobank.factories import ParticipantFactory, SampleFactory, box_named


@pytest.mark.django_db
def test_a_second_sample_with_a_barcode_is_refused_with_a_message():
    first = SampleFactory(barcode="DUP-0001")
    twin = Sample(barcode="DUP-0001", participant=first.participant, sample_type=first.sample_type,
                  collected_at=first.collected_at, quantity=first.quantity, unit=first.unit,
                  box=box_named("F09", "R09", "B009"), pos_row=1, pos_col=9)
    with pytest.raises(ValidationError) as refused:
        twin.full_clean()
    assert refused.value.message_dict["barcode"] == ["Sample with this Barcode already exists."]
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()


@pytest.mark.django_db
def test_the_database_refuses_a_second_participant_with_an_mrn():
    ParticipantFactory(mrn="SYN0012345")
    twin = ParticipantFactory.build(mrn="SYN0012345")
    assert twin.mrn_hash == crypto.mrn_digest("SYN0012345")
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()
    assert Participant.objects.filter(mrn_hash=twin.mrn_hash).count() == 1


@pytest.mark.django_db
def test_barcodes_and_mrn_digests_have_one_index_each():
    with connection.cursor() as cursor:
        cursor.execute("""SELECT indexdef FROM pg_indexes WHERE tablename IN ('biobank_sample', 'biobank_participant')
                          AND (indexdef LIKE '%%(barcode%%' OR indexdef LIKE '%%(mrn_hash%%')""")
        indexes = [row[0] for row in cursor.fetchall()]
    assert len(indexes) == 2 and all("UNIQUE" in index for index in indexes), indexes
