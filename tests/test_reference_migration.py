"""Moving every reference series onto the kernel's counter changes no reference: each series
goes on from the number where it stopped."""

import pytest
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor

from common.references import next_reference


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.mark.django_db(transaction=True)
def test_counter_rows_and_sequences_become_kernel_counters():
    _migrate([("consultations", "0003_center_status_index"), ("common", None)])
    try:
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO consultations_referencecounter (year, last_number) VALUES (2026, 41)")
            cursor.execute("CREATE SEQUENCE reference_pi_2026")
            cursor.execute("SELECT setval('reference_pi_2026', 6)")
            cursor.execute("CREATE SEQUENCE reference_bbs_2025")  # created, never used
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    with transaction.atomic():
        assert next_reference("DCR", year=2026) == "DCR-2026-00042"
        assert next_reference("PI", year=2026) == "PI-2026-00007"
        assert next_reference("BBS", year=2025) == "BBS-2025-00001"
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_sequences WHERE sequencename LIKE 'reference\\_%%'")
        assert cursor.fetchone()[0] == 0
