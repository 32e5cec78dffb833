"""Demo data loads twice without duplicates; the scale seeder is idempotent."""

import io

import pytest
from django.core.management import call_command

from accounts import demo as accounts_demo
from biobank import demo, scale
from biobank.models import DistributionOrder, Participant, RecontactRequest, Sample, SampleRequest, StorageContainer, Withdrawal


@pytest.mark.django_db
def test_demo_loads_twice_without_duplicates():
    accounts_demo.load()
    first = demo.load()
    counts = (Participant.objects.count(), Sample.objects.count(), SampleRequest.objects.count(),
              RecontactRequest.objects.count(), Withdrawal.objects.count())
    second = demo.load()
    assert counts == (Participant.objects.count(), Sample.objects.count(), SampleRequest.objects.count(),
                      RecontactRequest.objects.count(), Withdrawal.objects.count())
    assert counts[0] == 3000 and counts[1] > 7000 and counts[2] == 6 and counts[3] == 2 and counts[4] == 6
    assert "3,000 participants" in first and "0 participants" in second
    assert set(SampleRequest.objects.values_list("status", flat=True)) == {
        "submitted", "under_review", "fulfilling", "fulfilled", "declined", "approved"}
    assert all(title.endswith("(synthetic)") for title in SampleRequest.objects.values_list("title", flat=True))
    assert Participant.objects.first().reveal_mrn().startswith("SYN")
    # A freezer of boxes to look at, every stored sample in its own position, and some lineage.
    assert StorageContainer.objects.filter(kind="box", parent__parent__name="F01").count() >= 90
    assert not Sample.objects.filter(status__in=Sample.IN_STORAGE, box__isnull=True).exists()
    assert set(Sample.objects.filter(parent__isnull=False).values_list("derived_as", flat=True)) == {
        "aliquot", "derivative"}
    assert DistributionOrder.objects.get().status == "shipped"


@pytest.mark.django_db
def test_scale_seeder_is_idempotent(monkeypatch):
    monkeypatch.setattr(scale, "PARTICIPANTS", 40)
    monkeypatch.setattr(scale, "GENOTYPED", 20)
    monkeypatch.setattr(scale, "SAMPLES", 100)
    out = io.StringIO()
    call_command("seed_scale", "--only", "biobank", stdout=out)
    assert "40 participants (20 genotyped) and 100 samples" in out.getvalue()
    assert Participant.objects.filter(genotyped=True).count() == 20 and Sample.objects.count() == 100
    call_command("seed_scale", "--only", "biobank", stdout=out)
    assert "already at scale" in out.getvalue()
    assert Sample.objects.count() == 100
    assert Participant.objects.get(biobank_id="BB5000001").reveal_mrn() == "SYN900000000"
    assert not Sample.objects.filter(box__isnull=True).exists()
    assert StorageContainer.objects.filter(kind="box", rows=10, columns=10).count() == 1
    children = list(Sample.objects.filter(parent__isnull=False).select_related("parent").order_by("barcode"))
    assert children and all(int(c.barcode[2:]) % 25 == 2 and int(c.parent.barcode[2:]) == int(c.barcode[2:]) - 1
                            and c.parent.participant_id == c.participant_id for c in children)
    assert all(c.derived_as == ("aliquot" if c.sample_type == c.parent.sample_type else "derivative")
               for c in children)
    # The ids were reserved from the sequence: the next sample saved gets a fresh one.
    new = Sample.objects.create(barcode="NEW-1", participant=children[0].participant, sample_type="dna",
                                collected_at=children[0].collected_at, quantity=1, unit="ug")
    assert new.pk > max(Sample.objects.exclude(pk=new.pk).values_list("pk", flat=True))
