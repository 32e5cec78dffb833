"""Distribution: an approved request's samples picked in freezer order, shipped, received; one status function."""

import csv
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from biobank import services
from biobank.distribution import services as distribution
from biobank.models import DistributionOrder, Sample
from common.workflow import InvalidTransition
from notifications.models import OutboxEmail
from tests.biobank.factories import SampleFactory, SampleRequestFactory, box_named
from tests.factories import UserFactory


@pytest.fixture
def reserved(db, biobank_staff, researcher):
    far, near = box_named("F02", "R01", "B01"), box_named("F01", "R02", "B01")
    SampleFactory(box=far, pos_row=1, pos_col=1, barcode="PICK-3")
    SampleFactory(box=near, pos_row=2, pos_col=1, barcode="PICK-2", quantity="0.750")
    SampleFactory(box=near, pos_row=1, pos_col=4, barcode="PICK-1")
    req = SampleRequestFactory(researcher=researcher, status="approved", samples_requested=3,
                               criteria={"sample_type": "dna"})
    services.reserve_samples(req, by=biobank_staff)
    return req


@pytest.mark.django_db
def test_from_request_to_receipt(client, reserved, biobank_staff, researcher):
    client.force_login(biobank_staff)
    response = client.post(reverse("admin:biobank_distributionorder_create", args=[reserved.pk]), follow=True)
    order = DistributionOrder.objects.get()
    html = response.content.decode()
    assert html.index("PICK-1") < html.index("PICK-2") < html.index("PICK-3")  # freezer, rack, box, position
    ship = reverse("admin:biobank_distributionorder_ship", args=[order.pk])
    html = client.post(ship, {"recipient": "Dr Rae, Lab 4, Example University", "tracking_number": ""}).content
    assert b"This field is required" in html and Sample.objects.filter(status="reserved").count() == 3
    client.post(ship, {"recipient": "Dr Rae, Lab 4, Example University", "courier": "DHL",
                       "tracking_number": "JD0146000"})
    order.refresh_from_db()
    assert (order.status, order.tracking_number) == ("shipped", "JD0146000")
    assert set(Sample.objects.values_list("status", flat=True)) == {"distributed"}
    assert order.items.get(sample__barcode="PICK-2").quantity_shipped == pytest.approx(0.75)
    rows = list(csv.reader(io.StringIO(client.get(reverse("admin:biobank_distributionorder_manifest_csv",
                                                          args=[order.pk])).content.decode())))
    assert rows[0][:3] == ["order", "request", "barcode"] and [r[2] for r in rows[1:]] == ["PICK-1", "PICK-2", "PICK-3"]
    labels = client.get(reverse("admin:biobank_distributionorder_labels", args=[order.pk])).content.decode()
    assert labels.count("python-barcode") == 3 and "Barcode PICK-1" in labels
    assert "style=\"fill" not in labels  # the content security policy would blacken inline-styled bars
    assert OutboxEmail.objects.filter(template="biobank_order_status", recipient=researcher.email).count() == 2

    client.force_login(researcher)
    page = client.get(order.get_absolute_url()).content.decode()
    assert "JD0146000" in page and "Confirm receipt" in page and "PICK-3" in page
    client.post(reverse("biobank:confirm_receipt", args=[order.reference]))
    order.refresh_from_db()
    reserved.refresh_from_db()
    assert (order.status, order.received_by, reserved.status) == ("received", researcher, "fulfilled")
    assert OutboxEmail.objects.filter(template="biobank_order_status", recipient=biobank_staff.email).count() == 1


@pytest.mark.django_db
def test_every_move_follows_the_table(reserved, biobank_staff, researcher):
    order = distribution.create_order(reserved, by=biobank_staff)
    with pytest.raises(InvalidTransition, match="has an order already"):
        distribution.create_order(reserved, by=biobank_staff)
    with pytest.raises(InvalidTransition, match="cannot become received"):
        distribution.move_order(order, "received", by=researcher)
    with pytest.raises(ValidationError):
        distribution.move_order(order, "shipped", by=biobank_staff, recipient="", tracking_number="")
    distribution.move_order(order, "shipped", by=biobank_staff, recipient="Lab", tracking_number="T1")
    with pytest.raises(InvalidTransition, match="Only the researcher"):
        distribution.move_order(order, "received", by=biobank_staff)
    with pytest.raises(InvalidTransition, match="Only the researcher"):
        distribution.move_order(order, "received", by=UserFactory())
    with pytest.raises(InvalidTransition, match="cannot become cancelled"):
        distribution.move_order(order, "cancelled", by=biobank_staff)


@pytest.mark.django_db
def test_a_cancelled_order_leaves_the_reservations_for_a_new_one(reserved, biobank_staff):
    order = distribution.create_order(reserved, by=biobank_staff)
    distribution.move_order(order, "cancelled", by=biobank_staff)
    assert reserved.samples.filter(status="reserved").count() == 3
    assert distribution.create_order(reserved, by=biobank_staff).items.count() == 3


@pytest.mark.django_db
def test_a_sample_withdrawn_meanwhile_stops_the_shipment(reserved, biobank_staff):
    from datetime import date

    order = distribution.create_order(reserved, by=biobank_staff)
    gone = Sample.objects.get(barcode="PICK-2")
    services.withdraw_participant(gone.participant, by=biobank_staff, reason="Asked to leave (synthetic).",
                                  when=date(2025, 1, 1))
    with pytest.raises(InvalidTransition, match="no longer reserved .*PICK-2"):
        distribution.move_order(order, "shipped", by=biobank_staff, recipient="Lab", tracking_number="T1")
    assert not Sample.objects.filter(status="distributed").exists()


@pytest.mark.django_db
def test_another_researcher_cannot_see_or_confirm_an_order(client, reserved, biobank_staff):
    order = distribution.create_order(reserved, by=biobank_staff)
    from accounts import roles

    client.force_login(UserFactory(roles=[roles.RESEARCHER]))
    assert client.get(order.get_absolute_url()).status_code == 404
    assert client.post(reverse("biobank:confirm_receipt", args=[order.reference])).status_code == 404


@pytest.mark.django_db
def test_pick_list_queries_do_not_grow_with_its_samples(client, biobank_staff, researcher,
                                                        django_assert_max_num_queries):
    box = box_named("F01", "R01", "B01", rows=10, columns=10)
    for n in range(60):
        SampleFactory(box=box, pos_row=n // 10 + 1, pos_col=n % 10 + 1)
    client.force_login(biobank_staff)
    counts = []
    for size in (20, 40):
        req = SampleRequestFactory(researcher=researcher, status="approved", samples_requested=size)
        services.reserve_samples(req, by=biobank_staff)
        order = distribution.create_order(req, by=biobank_staff)
        url = reverse("admin:biobank_distributionorder_picklist", args=[order.pk])
        client.get(url)
        with django_assert_max_num_queries(20) as captured:
            client.get(url)
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]
