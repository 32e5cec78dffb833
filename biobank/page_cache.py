"""Biobank pages kept rendered per person (``common.page_cache``): a researcher's "My biobank
requests" until a sample or re-contact request changes, and the staff desk's box map and pick list.

Samples change in bulk (imports by COPY, reservations and shipments), which sends no signal per
row, and the box map shows each position's state: so it is stored under a stamp of what it shows,
read in one small query on every visit through the box's two partial indexes (how many samples
it shows, and the latest ``updated_at`` of any of them: every write of a sample moves it, and a
sample leaving changes the count), besides being forgotten when a container is saved or deleted.
The pick list shows places, barcodes, types and quantities, which change one sample at a time
(a move, an aliquot taken: each a save): it is forgotten on any save of a sample, a move, an
order or its items.
"""

from django.db import connection

from accounts.backends import forget_on_change
from common.page_cache import PageCache

MINE = PageCache("biobank:my-requests", timeout=300)
STORAGE = PageCache("biobank:storage-pages", timeout=300)
DISTRIBUTION = PageCache("biobank:distribution-pages", timeout=300)
# A sample's change page at the staff desk: forgotten on a change of its donor, place, moves or the
# request it is kept for, and stored under its lineage tree's stamp (``lineage.selectors.family_stamp``)
# for the samples written in bulk.
SAMPLE_CHANGE = PageCache("biobank:sample-change", timeout=300)


def box_stamp(box_id: int) -> tuple:
    """(samples the box map shows, their latest change): moves whenever the map would. The stored
    ones and the shipped ones are read through their own partial indexes (an index of every sample
    by box would slow every import)."""
    from .models import Sample

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), max(updated_at) FROM ("
                       "SELECT updated_at FROM biobank_sample WHERE box_id = %s AND status = ANY(%s) UNION ALL "
                       "SELECT updated_at FROM biobank_sample WHERE box_id = %s AND status = %s) shown",
                       [box_id, list(Sample.IN_STORAGE), box_id, Sample.Status.DISTRIBUTED])
        count, latest = cursor.fetchone()
    return count, latest and latest.isoformat()


def connect() -> None:
    from .models import (ConsentResponse, DistributionItem, DistributionOrder, Participant, RecontactRequest, Sample,
                         SampleMove, SampleRequest, StorageContainer, Withdrawal)

    forget_on_change(MINE, (SampleRequest, RecontactRequest), "biobank.my-requests")
    forget_on_change(STORAGE, (StorageContainer,), "biobank.storage-pages")
    forget_on_change(DISTRIBUTION, (DistributionOrder, DistributionItem, StorageContainer, SampleRequest, Sample,
                                    SampleMove),
                     "biobank.distribution-pages")
    forget_on_change(SAMPLE_CHANGE, (Sample, Participant, ConsentResponse, Withdrawal, StorageContainer, SampleMove,
                                     SampleRequest), "biobank.sample-change")
