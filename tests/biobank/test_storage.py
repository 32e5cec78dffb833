"""Storage: boxes of rows and columns, one sample per position, allocation, moves, maps, utilisation."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from biobank import importer
from biobank.models import PositionText, Sample, SampleMove, StorageContainer
from biobank.storage import selectors, services
from tests.biobank.factories import ParticipantFactory, SampleFactory, box_named

HEADER = "barcode,biobank_id,sample_type,collected_at,quantity,unit,freezer,rack,box,position"


@pytest.fixture
def box(db):
    return box_named("F1", "R1", "B1", rows=3, columns=3)


def test_written_positions_are_read_as_people_write_them():
    assert [(p.row, p.column, p.number) for p in map(PositionText.parse, ["A1", "b-02", "3,4", "R2C3", "12"])] == [
        (1, 1, None), (2, 2, None), (3, 4, None), (2, 3, None), (None, None, 12)]
    assert PositionText.parse("shelf") is None


@pytest.mark.django_db
def test_labels_follow_the_box_labelling(box):
    assert (box.label(2, 3), box.locate("b3"), box.locate("D1"), box.locate("6")) == ("B3", (2, 3), None, (2, 3))
    numbered = box_named("F1", "R1", "N1", rows=9, columns=9, labelling="numbers")
    assert (numbered.label(2, 3), numbered.locate("P12"), numbered.locate("12")) == ("12", (2, 3), (2, 3))


@pytest.mark.django_db
def test_the_database_keeps_one_stored_sample_per_position(box):
    first = SampleFactory(box=box, pos_row=1, pos_col=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        SampleFactory(box=box, pos_row=1, pos_col=1, participant=first.participant)
    SampleFactory(box=box, pos_row=1, pos_col=1, status="distributed", participant=first.participant)
    with pytest.raises(IntegrityError), transaction.atomic():  # a position is a box, a row and a column together
        SampleFactory(box=box, pos_row=None, pos_col=2, participant=first.participant)


@pytest.mark.django_db
def test_a_box_needs_a_grid_and_a_rack_to_stand_on(box):
    loose = StorageContainer(name="B9", kind="box", parent=box.parent.parent, rows=None, columns=None)
    with pytest.raises(ValidationError) as refused:
        loose.full_clean()
    assert set(refused.value.message_dict) >= {"parent"}


@pytest.mark.django_db
def test_free_positions_come_in_order_box_by_box(box):
    second = box_named("F1", "R1", "B2", rows=3, columns=3)
    SampleFactory(box=box, pos_row=1, pos_col=1)
    SampleFactory(box=box, pos_row=1, pos_col=3, status="depleted")  # left the freezer: free again
    slots = selectors.free_positions(9, selectors.boxes_in_order())
    assert [(s.box_id, s.row, s.column) for s in slots[:3]] == [(box.pk, 1, 2), (box.pk, 1, 3), (box.pk, 2, 1)]
    assert (slots[-1].box_id, slots[-1].row, slots[-1].column) == (second.pk, 1, 1)
    with pytest.raises(selectors.NoRoom, match="8 free position"):
        selectors.free_positions(9, [box], within_first=True)


@pytest.mark.django_db
def test_import_allocates_free_positions_and_keeps_the_file_s_own(box):
    ParticipantFactory(biobank_id="BB0000001")
    SampleFactory(box=box, pos_row=1, pos_col=1)
    result = importer.import_csv(io.StringIO("\n".join([
        HEADER,
        "S-1,BB0000001,dna,2024-03-01,1,mL,,,,",         # anywhere: after the rows that name a box
        "S-2,BB0000001,dna,2024-03-01,1,mL,F1,R1,B1,",   # in B1: its first free position no row asked for
        "S-3,BB0000001,dna,2024-03-01,1,mL,f1,r1,b1,A2",  # A2 as given (names in any case)
    ]) + "\n"), "samples")
    assert result.ok, result.errors
    places = {s.barcode: (s.pos_row, s.pos_col) for s in Sample.objects.filter(barcode__startswith="S-")}
    assert places == {"S-1": (2, 1), "S-2": (1, 3), "S-3": (1, 2)}


@pytest.mark.django_db
@pytest.mark.parametrize("place, column, message", [
    ("F1,R1,B7,A1", "box", "No box F1 / R1 / B7 in the storage tree"),
    ("F1,R1,B1,D1", "position", '"D1" is not a position of box F1 / R1 / B1 (3 x 3: A1 to C3)'),
    ("F1,,B1,A1", "rack", "Give freezer, rack and box together"),
])
def test_import_names_a_bad_place(box, place, column, message):
    ParticipantFactory(biobank_id="BB0000001")
    result = importer.import_csv(io.StringIO(f"{HEADER}\nS-1,BB0000001,dna,2024-03-01,1,mL,{place}\n"), "samples")
    assert [(e.column, message in e.message) for e in result.errors] == [(column, True)]
    assert not Sample.objects.exists()


@pytest.mark.django_db
def test_import_into_a_full_tree_is_refused_whole(box):
    ParticipantFactory(biobank_id="BB0000001")
    rows = [f"S-{n},BB0000001,dna,2024-03-01,1,mL,,,," for n in range(10)]
    result = importer.import_csv(io.StringIO("\n".join([HEADER, *rows]) + "\n"), "samples")
    assert not result.ok and "9 free position(s) for 10 sample(s)" in result.errors[0].message
    assert not Sample.objects.exists()


@pytest.mark.django_db
def test_a_move_is_recorded_and_in_the_history(box, biobank_staff):
    sample = SampleFactory(box=box, pos_row=1, pos_col=1)
    other = box_named("F2", "R1", "B1")
    move = services.move_sample(sample, box=other, position="C4", by=biobank_staff, reason="F1 defrosted")
    sample.refresh_from_db()
    assert (sample.box, sample.pos_row, sample.pos_col) == (other, 3, 4)
    assert (move.from_box, move.from_row, move.to_row, move.moved_by) == (box, 1, 3, biobank_staff)
    assert sample.history.first().history_change_reason == "Moved to F2 / R1 / B1 / C4"
    with pytest.raises(ValidationError, match="holds sample"):
        services.move_sample(SampleFactory(box=box, pos_row=2, pos_col=2), box=other, position="C4", by=biobank_staff)


@pytest.mark.django_db
def test_a_shipped_sample_cannot_be_moved(box, biobank_staff):
    sample = SampleFactory(box=box, pos_row=1, pos_col=1, status="distributed")
    with pytest.raises(ValidationError, match="not in the freezer"):
        services.move_sample(sample, box=box, position="B1", by=biobank_staff)
    assert not SampleMove.objects.exists()


@pytest.mark.django_db
def test_move_page_moves_and_shows_the_move(client, box, biobank_staff):
    sample = SampleFactory(box=box, pos_row=1, pos_col=1)
    client.force_login(biobank_staff)
    url = reverse("admin:biobank_sample_move", args=[sample.pk])
    html = client.post(url, {"box": box.pk, "position": "Z9"}).content.decode()
    assert "is not a position of box F1 / R1 / B1" in html
    response = client.post(url, {"box": box.pk, "position": "", "reason": "tidy"}, follow=True)
    assert "moved to F1 / R1 / B1 / A2" in response.content.decode()
    assert "tidy" in client.get(reverse("admin:biobank_sample_change", args=[sample.pk])).content.decode()


@pytest.mark.django_db
def test_box_map_shows_every_position_in_constant_queries(client, box, biobank_staff, django_assert_max_num_queries):
    big = box_named("F1", "R1", "B10", rows=10, columns=10)
    SampleFactory(box=big, pos_row=1, pos_col=1, barcode="MAP-0001")
    SampleFactory(box=big, pos_row=1, pos_col=2, status="reserved")
    SampleFactory(box=big, pos_row=3, pos_col=3, status="distributed")
    client.force_login(biobank_staff)
    client.get(reverse("admin:biobank_storagecontainer_map", args=[big.pk]))  # warm the permission cache
    with django_assert_max_num_queries(8):
        html = client.get(reverse("admin:biobank_storagecontainer_map", args=[big.pk])).content.decode()
    assert html.count("data-cell") == 100
    assert 'aria-label="A1: Occupied, MAP-0001, DNA"' in html
    assert "Reserved: 1" in html and "Free (last sample distributed): 1" in html and "Free: 97" in html
    for n in range(3, 60):
        SampleFactory(box=big, pos_row=n // 10 + 1, pos_col=n % 10 + 1)
    with django_assert_max_num_queries(8):
        client.get(reverse("admin:biobank_storagecontainer_map", args=[big.pk]))


@pytest.mark.django_db
def test_utilisation_per_freezer_and_box(client, box, biobank_staff, django_assert_max_num_queries):
    SampleFactory(box=box, pos_row=1, pos_col=1, sample_type="dna")
    SampleFactory(box=box, pos_row=1, pos_col=2, sample_type="plasma")
    SampleFactory(box=box, pos_row=1, pos_col=3, sample_type="plasma", status="destroyed")
    freezer = selectors.utilisation()[0]
    assert (freezer.used, freezer.capacity, freezer.percent) == (2, 9, 22)
    assert freezer.children[0].children[0].types_shown in ("DNA 1, Plasma 1", "Plasma 1, DNA 1")
    client.force_login(biobank_staff)
    client.get(reverse("admin:biobank_storagecontainer_overview"))
    with django_assert_max_num_queries(8):
        html = client.get(reverse("admin:biobank_storagecontainer_overview")).content.decode()
    assert "2 of 9 positions used (22%)" in html


@pytest.mark.django_db
def test_other_staff_cannot_open_storage_pages(client, box):
    from accounts import roles
    from tests.factories import UserFactory

    client.force_login(UserFactory(roles=[roles.DCR_STAFF], is_staff=True))
    assert client.get(reverse("admin:biobank_storagecontainer_map", args=[box.pk])).status_code == 403
    assert client.get(reverse("admin:biobank_storagecontainer_overview")).status_code == 403


@pytest.mark.django_db
def test_a_named_box_without_room_is_reported_at_its_first_row_and_nothing_is_placed(box):
    ParticipantFactory(biobank_id="BB0000001")
    box_named("F1", "R1", "B2", rows=3, columns=3)  # room elsewhere does not help a row that names B1
    rows = [f"S-{n},BB0000001,dna,2024-03-01,1,mL,F1,R1,B1," for n in range(10)]
    result = importer.import_csv(io.StringIO("\n".join([HEADER, "S-X,BB0000001,dna,2024-03-01,1,mL,,,,", *rows])
                                             + "\n"), "samples")
    assert not result.ok
    assert [(e.row, e.column) for e in result.errors] == [(3, "box")]
    assert "box F1 / R1 / B1 has 9 free position(s) for 10 sample(s)" in result.errors[0].message
    assert not Sample.objects.exists()


@pytest.mark.django_db
def test_rows_without_a_place_fill_what_named_boxes_leave(box):
    ParticipantFactory(biobank_id="BB0000001")
    second = box_named("F1", "R1", "B2", rows=3, columns=3)
    rows = [f"N-{n},BB0000001,dna,2024-03-01,1,mL,F1,R1,B1," for n in range(8)]
    rows += [f"A-{n},BB0000001,dna,2024-03-01,1,mL,,,," for n in range(2)]
    result = importer.import_csv(io.StringIO("\n".join([HEADER, *rows]) + "\n"), "samples")
    assert result.ok, result.errors
    places = {s.barcode: (s.box_id, s.pos_row, s.pos_col) for s in Sample.objects.filter(barcode__startswith="A-")}
    assert places == {"A-0": (box.pk, 3, 3), "A-1": (second.pk, 1, 1)}
