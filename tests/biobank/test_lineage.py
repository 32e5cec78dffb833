"""Aliquots and derivatives: the parent's quantity goes down, never below zero; the tree on the sample page."""

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connections, transaction
from django.urls import reverse

from biobank import services
from biobank.lineage import selectors, services as lineage
from biobank.models import Sample
from tests.biobank.factories import SampleFactory, box_named


@pytest.fixture
def blood(db):
    box = box_named("F1", "R1", "B1", rows=3, columns=3)
    return SampleFactory(barcode="WB-0001", sample_type="whole_blood", quantity=Decimal("4.000"), unit="mL",
                         box=box, pos_row=1, pos_col=1)


@pytest.mark.django_db
def test_aliquots_take_from_the_parent_and_go_to_the_next_free_positions(blood, biobank_staff):
    made = lineage.split_sample(blood, kind="aliquot", count=3, taken_each=Decimal("0.5"), by=biobank_staff)
    blood.refresh_from_db()
    assert blood.quantity == Decimal("2.500")
    assert [(s.barcode, s.sample_type, s.quantity, s.pos_row, s.pos_col) for s in made] == [
        ("WB-0001-A1", "whole_blood", Decimal("0.5"), 1, 2), ("WB-0001-A2", "whole_blood", Decimal("0.5"), 1, 3),
        ("WB-0001-A3", "whole_blood", Decimal("0.5"), 2, 1)]
    child = Sample.objects.get(barcode="WB-0001-A1")
    assert (child.parent, child.derived_as, child.participant) == (blood, "aliquot", blood.participant)
    assert child.history.get().history_user == biobank_staff
    assert blood.history.first().history_change_reason == "3 aliquot(s) taken, 1.5 used"


@pytest.mark.django_db
def test_a_derivative_is_a_new_type_made_from_the_parent(blood, biobank_staff):
    (dna,) = lineage.split_sample(blood, kind="derivative", count=1, taken_each=Decimal("2"), sample_type="dna",
                                  product_each=Decimal("25"), unit="ug", by=biobank_staff)
    assert (dna.barcode, dna.sample_type, dna.quantity, dna.unit) == ("WB-0001-D1", "dna", Decimal("25"), "ug")
    with pytest.raises(ValidationError) as refused:
        lineage.split_sample(dna, kind="derivative", count=1, taken_each=Decimal("1"), sample_type="plasma",
                             product_each=Decimal("1"), by=biobank_staff)
    assert "DNA can be made into nothing" in refused.value.message_dict["sample_type"][0]


@pytest.mark.django_db
def test_taking_more_than_is_left_is_refused_and_changes_nothing(blood, biobank_staff):
    with pytest.raises(ValidationError) as refused:
        lineage.split_sample(blood, kind="aliquot", count=3, taken_each=Decimal("1.5"), by=biobank_staff)
    assert "3 x 1.5 mL is more than the 4 mL left of WB-0001" in refused.value.message_dict["taken_each"][0]
    assert Sample.objects.count() == 1 and Sample.objects.get().quantity == Decimal("4.000")


@pytest.mark.django_db
def test_the_database_refuses_a_quantity_below_zero(blood):
    with pytest.raises(IntegrityError), transaction.atomic():
        Sample.objects.filter(pk=blood.pk).update(quantity=Decimal("-0.001"))


@pytest.mark.django_db
def test_a_parent_used_up_is_depleted_and_frees_its_position(blood, biobank_staff):
    lineage.split_sample(blood, kind="aliquot", count=2, taken_each=Decimal("2"), by=biobank_staff)
    blood.refresh_from_db()
    assert (blood.quantity, blood.status) == (Decimal("0.000"), "depleted")
    with pytest.raises(ValidationError, match="only an available sample"):
        lineage.split_sample(blood, kind="aliquot", count=1, taken_each=Decimal("1"), by=biobank_staff)


@pytest.mark.django_db
def test_withdrawal_makes_the_whole_tree_unavailable(client, blood, biobank_staff):
    (aliquot,) = lineage.split_sample(blood, kind="aliquot", count=1, taken_each=Decimal("2"), by=biobank_staff)
    (dna,) = lineage.split_sample(aliquot, kind="derivative", count=1, taken_each=Decimal("1"), sample_type="dna",
                                  product_each=Decimal("10"), unit="ug", by=biobank_staff)
    services.withdraw_participant(blood.participant, by=biobank_staff, reason="Asked to leave (synthetic).",
                                  when=date(2025, 1, 1))
    assert set(Sample.objects.values_list("status", flat=True)) == {"withdrawn"}
    client.force_login(biobank_staff)
    html = client.get(reverse("admin:biobank_sample_change", args=[dna.pk])).content.decode()
    assert "The donor withdrew: no sample of this tree may be offered." in html
    assert "WB-0001-A1-D1 (this sample)" in html and "WB-0001</a>" in html


@pytest.mark.django_db
def test_the_sample_page_shows_the_tree_in_constant_queries(client, blood, biobank_staff,
                                                             django_assert_max_num_queries):
    lineage.split_sample(blood, kind="aliquot", count=2, taken_each=Decimal("0.5"), by=biobank_staff)
    client.force_login(biobank_staff)
    url = reverse("admin:biobank_sample_change", args=[blood.pk])
    client.get(url)
    cache.clear()  # drawn afresh each time: the queries of a first visit
    with django_assert_max_num_queries(30) as small:
        client.get(url)
    lineage.split_sample(blood, kind="aliquot", count=4, taken_each=Decimal("0.5"), by=biobank_staff)
    cache.clear()
    with django_assert_max_num_queries(len(small.captured_queries)):
        html = client.get(url).content.decode()
    assert html.count("Aliquot, Whole blood") == 6
    root = selectors.family(blood.pk)
    assert len(root.children) == 6 and root.current


@pytest.mark.django_db
def test_a_kept_sample_page_follows_its_tree_even_when_samples_move_in_bulk(client, blood, biobank_staff):
    (aliquot,) = lineage.split_sample(blood, kind="aliquot", count=1, taken_each=Decimal("1"), by=biobank_staff)
    client.force_login(biobank_staff)
    url = reverse("admin:biobank_sample_change", args=[blood.pk])
    assert client.get(url).templates
    assert not client.get(url).templates  # kept
    # A bulk move sends no signal per sample: the tree's stamp moves instead.
    services.move_samples(Sample.objects.filter(pk=aliquot.pk), Sample.Status.DESTROYED, by=biobank_staff,
                          reason="Thawed by mistake (synthetic).")
    html = client.get(url).content.decode()
    assert "WB-0001-A1" in html and "Destroyed" in html
    lineage.split_sample(blood, kind="aliquot", count=1, taken_each=Decimal("1"), by=biobank_staff)
    assert "WB-0001-A2" in client.get(url).content.decode()


@pytest.mark.django_db
def test_the_split_page_explains_a_bad_split(client, blood, biobank_staff):
    client.force_login(biobank_staff)
    url = reverse("admin:biobank_sample_split", args=[blood.pk])
    html = client.post(url, {"kind": "derivative", "count": "1", "taken_each": "1", "sample_type": "",
                             "product_each": "2"}).content.decode()
    assert "Whole blood can be made into DNA, Plasma, Serum, Buffy coat" in html
    response = client.post(url, {"kind": "aliquot", "count": "2", "taken_each": "1"}, follow=True)
    assert "2 made from WB-0001: WB-0001-A1, WB-0001-A2." in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_two_staff_splitting_one_parent_at_once_never_over_draw_it(biobank_staff):
    blood = SampleFactory(barcode="WB-0002", sample_type="whole_blood", quantity=Decimal("1.000"),
                          box=box_named("F1", "R1", "B1"), pos_row=1, pos_col=1)
    barrier = threading.Barrier(2)
    outcomes = []

    def split():
        try:
            barrier.wait()
            lineage.split_sample(Sample.objects.get(pk=blood.pk), kind="aliquot", count=1,
                                 taken_each=Decimal("0.6"), by=biobank_staff)
            outcomes.append("made")
        except ValidationError as refused:
            outcomes.append(refused.message_dict["taken_each"][0])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=split) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    blood.refresh_from_db()
    assert sorted(outcomes)[-1] == "made" and "more than the 0.4 mL left" in sorted(outcomes)[0]
    assert blood.quantity == Decimal("0.400") and Sample.objects.filter(parent=blood).count() == 1
