"""A collaborator's "My partnership inquiries" page, kept rendered per person until an inquiry
changes (``common.page_cache.person_page``)."""

from common.page_cache import PageCache, forget_on_change

MINE = PageCache("collaborations:mine", timeout=300)


def connect() -> None:
    from .models import Inquiry

    forget_on_change(MINE, (Inquiry,), "collaborations.mine")
