"""Biobank pages kept rendered per person (``common.page_cache``): a researcher's "My biobank
requests" until a sample or re-contact request changes, and the staff desk's box map and pick list.

Samples change in bulk (imports by COPY, reservations and shipments, aliquots made together), which
sends no signal per row: so the box map and the pick list are stored under a stamp of what they
show, read in one small query on every visit (how many samples, and the latest ``updated_at`` of
any of them: every write of a sample moves it, and a sample leaving changes the count), besides
being forgotten when a container, an order or its items are saved or deleted.
"""

from django.db import connection

from accounts.backends import forget_on_change
from common.page_cache import PageCache

MINE = PageCache("biobank:my-requests", timeout=300)
STORAGE = PageCache("biobank:storage-pages", timeout=300)
DISTRIBUTION = PageCache("biobank:distribution-pages", timeout=300)


def box_stamp(box_id: int) -> tuple:
    """(samples in the box, their latest change): moves whenever the box map would."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), max(updated_at) FROM biobank_sample WHERE box_id = %s", [box_id])
        count, latest = cursor.fetchone()
    return count, latest and latest.isoformat()


def order_stamp(order_id: int) -> tuple:
    """(items of the order, their samples' latest change): moves whenever the pick list would."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), max(s.updated_at) FROM biobank_distributionitem i "
                       "JOIN biobank_sample s ON s.id = i.sample_id WHERE i.order_id = %s", [order_id])
        count, latest = cursor.fetchone()
    return count, latest and latest.isoformat()


def connect() -> None:
    from .models import DistributionItem, DistributionOrder, RecontactRequest, SampleRequest, StorageContainer

    forget_on_change(MINE, (SampleRequest, RecontactRequest), "biobank.my-requests")
    forget_on_change(STORAGE, (StorageContainer,), "biobank.storage-pages")
    forget_on_change(DISTRIBUTION, (DistributionOrder, DistributionItem, StorageContainer, SampleRequest),
                     "biobank.distribution-pages")
