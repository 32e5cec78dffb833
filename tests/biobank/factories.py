"""Factories for biobank records. MRNs are synthetic ("SYN" + digits)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from biobank.models import (
    Participant,
    RecontactRequest,
    Sample,
    SampleRequest,
    SampleType,
    Sex,
    StorageContainer,
)
from tests.factories import UserFactory


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    biobank_id = factory.Sequence(lambda n: f"BB{n + 1:07d}")
    mrn = factory.Sequence(lambda n: f"SYN{n + 1:07d}")
    sex = Sex.FEMALE
    birth_year = 1960
    consent_research = True
    consent_recontact = True
    consent_date = factory.LazyFunction(lambda: date(2020, 1, 15))
    consent_version = "v3"
    genotyped = False
    genotyping_platform = factory.LazyAttribute(lambda o: "Illumina GSA" if o.genotyped else "")


def box_named(freezer: str, rack: str, box: str, *, rows: int = 9, columns: int = 9,
              labelling: str = StorageContainer.Labelling.LETTER_NUMBER) -> StorageContainer:
    """The box F / R / B, made (with its freezer and rack) when missing."""
    top, _ = StorageContainer.objects.get_or_create(name=freezer, parent=None, defaults={"kind": "freezer"})
    middle, _ = StorageContainer.objects.get_or_create(name=rack, parent=top, defaults={"kind": "rack"})
    made, _ = StorageContainer.objects.get_or_create(
        name=box, parent=middle, defaults={"kind": "box", "rows": rows, "columns": columns, "labelling": labelling})
    return made


class SampleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sample

    barcode = factory.Sequence(lambda n: f"S{n + 1:08d}")
    participant = factory.SubFactory(ParticipantFactory)
    sample_type = SampleType.DNA
    collected_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=400))
    quantity = Decimal("1.500")
    unit = "mL"
    box = factory.Sequence(lambda n: box_named("F01", "R01", f"B{n // 81 + 1:03d}"))
    pos_row = factory.Sequence(lambda n: n % 81 // 9 + 1)
    pos_col = factory.Sequence(lambda n: n % 9 + 1)
    status = Sample.Status.AVAILABLE


class SampleRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SampleRequest

    reference = factory.Sequence(lambda n: f"BBS-2026-{n + 90001:05d}")
    researcher = factory.SubFactory(UserFactory)
    irb_protocol = "IRB-2026-0142"
    title = "Inflammation markers in ageing (synthetic)"
    criteria = factory.LazyFunction(lambda: {"sample_type": "dna"})
    samples_requested = 5
    purpose = "Measure inflammation markers in DNA samples of older adults."
    status = SampleRequest.Status.SUBMITTED


class RecontactRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RecontactRequest

    reference = factory.Sequence(lambda n: f"BBC-2026-{n + 90001:05d}")
    researcher = factory.SubFactory(UserFactory)
    irb_protocol = "IRB-2026-0077"
    title = "Follow-up of sleep habits (synthetic)"
    criteria = factory.LazyFunction(lambda: {"recontact": "yes"})
    participants_requested = 5
    message = ("We are studying sleep habits. If you would like to take part, reply to the study team at the "
               "address below.")
    status = RecontactRequest.Status.SUBMITTED
