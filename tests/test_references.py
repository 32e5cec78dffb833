"""References such as DCR-2026-00042 stay unique when many people submit at once."""

import threading

import pytest
from django.db import connections, transaction

from common.references import next_reference


@pytest.mark.django_db(transaction=True)
def test_concurrent_references_are_all_different():
    results, errors = [], []
    start = threading.Barrier(12)

    def submit():
        try:
            start.wait()
            for _ in range(5):
                with transaction.atomic():
                    results.append(next_reference("ZZ", year=2099))
        except Exception as error:  # surfaced by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(results) == 60
    assert len(set(results)) == 60
    assert all(ref.startswith("ZZ-2099-") and len(ref) == len("ZZ-2099-00001") for ref in results)
    assert sorted(results) == [f"ZZ-2099-{n:05d}" for n in range(1, 61)]  # and no gap


def test_prefix_must_be_capital_letters():
    with pytest.raises(ValueError):
        next_reference("dcr; drop table")
