"""A collaborator's "My partnership inquiries" page, kept rendered per person until an inquiry
changes (``common.page_cache.person_page``)."""

from accounts.backends import forget_on_change
from common.page_cache import PageCache

MINE = PageCache("collaborations:mine", timeout=300)


def connect() -> None:
    from .models import Inquiry

    forget_on_change(MINE, (Inquiry,), "collaborations.mine")
