"""A researcher's "My biobank requests" page, kept rendered per person until a sample or re-contact
request changes (``common.page_cache.person_page``)."""

from common.page_cache import PageCache, forget_on_change

MINE = PageCache("biobank:my-requests", timeout=300)


def connect() -> None:
    from .models import RecontactRequest, SampleRequest

    forget_on_change(MINE, (SampleRequest, RecontactRequest), "biobank.my-requests")
