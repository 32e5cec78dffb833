"""The data migration that turns written places into positions: no row lost, conflicts kept.

Rows are written as the demo data and ``seed_scale`` wrote them before the storage tree
(F01 / R01 / B01 / A1 ... and SC01 / R01 / B001 / P01 ...), with the clashes real files have."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.biobank.factories import ParticipantFactory

BEFORE = [("biobank", "0005_storage_tree")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def _latest():
    """Every app's last migration: going back through biobank's also unapplied the migrations of other
    apps that depend on it (the cohort count's data version), which the next tests need."""
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_written_places_become_positions_and_conflicts_are_reported():
    latest = _latest()
    _migrate(BEFORE)
    try:
        owner = ParticipantFactory()
        rows = []
        for slot in range(200):  # the demo layout
            rows.append((f"DM{slot:06d}", "F01", f"R{slot // 810 % 10 + 1:02d}", f"B{slot // 81 % 10 + 1:02d}",
                         f"{'ABCDEFGHI'[slot % 81 // 9]}{slot % 9 + 1}", "available"))
        for n in range(200):  # the scale layout
            rows.append((f"SC{n:06d}", f"SC{n // 40_500 + 1:02d}", f"R{n // 4050 % 10 + 1:02d}",
                         f"B{n // 81 % 50 + 1:03d}", f"P{n % 81 + 1:02d}", "available"))
        rows += [
            ("CLASH-1", "F01", "R01", "B01", "A01", "available"),  # A1 under another spelling, still stored
            ("GONE-1", "F01", "R01", "B01", "A1", "distributed"),  # left the freezer: keeps A1 as a record
            ("ODD-1", "F01", "R01", "B01", "top shelf", "available"),
            ("BLANK-1", "F01", "", "B01", "A1", "available"),
        ]
        with connection.cursor() as cursor:
            for barcode, freezer, rack, box, position, status in rows:
                cursor.execute(
                    "INSERT INTO biobank_sample (barcode, participant_id, sample_type, collected_at, quantity, unit, "
                    "freezer, rack, box, position, status, created_at, updated_at) "
                    "VALUES (%s, %s, 'dna', now(), 1, 'mL', %s, %s, %s, %s, %s, now(), now())",
                    [barcode, owner.pk, freezer, rack, box, position, status])
        _migrate(latest)

        from biobank.models import PlacementConflict, Sample, StorageContainer

        assert Sample.objects.count() == len(rows)
        first = Sample.objects.select_related("box__parent__parent").get(barcode="DM000000")
        assert first.location == "F01 / R01 / B01 / A1"
        scale = Sample.objects.select_related("box__parent__parent").get(barcode="SC000100")
        assert scale.location == "SC01 / R01 / B002 / 20"
        assert scale.box.labelling == "numbers" and (scale.pos_row, scale.pos_col) == (3, 2)
        assert Sample.objects.get(barcode="GONE-1").box_id == first.box_id
        conflicts = {c.sample.barcode: c for c in PlacementConflict.objects.select_related("sample")}
        assert set(conflicts) == {"CLASH-1", "ODD-1", "BLANK-1"}
        assert "Stored sample DM000000 has this position (written \"A1\")" in conflicts["CLASH-1"].reason
        assert conflicts["ODD-1"].written_place == "F01 / R01 / B01 / top shelf"
        assert Sample.objects.filter(box__isnull=True).count() == 3
        assert StorageContainer.objects.filter(kind="box").count() == 3 + 3
    finally:
        _migrate(latest)


@pytest.mark.django_db(transaction=True)
def test_the_two_consent_fields_become_answers():
    latest = _latest()
    _migrate([("biobank", "0009_consent_tiers")])
    try:
        yes = ParticipantFactory(consent_research=True, consent_recontact=False, consent_version="v2")
        no = ParticipantFactory(consent_research=False, consent_recontact=True, consent_version="")
        _migrate(latest)

        from biobank.models import ConsentResponse, ConsentStatement

        answers = set(ConsentResponse.objects.values_list("participant_id", "code", "answer", "form_version"))
        assert answers == {(yes.pk, "research", "yes", "v2"), (yes.pk, "recontact", "no", "v2"),
                           (no.pk, "research", "no", ""), (no.pk, "recontact", "yes", "")}
        assert set(ConsentStatement.objects.values_list("code", "version")) == {
            ("research", "v2"), ("recontact", "v2"), ("research", "v1"), ("recontact", "v1")}
    finally:
        _migrate(latest)
