"""The finder and the study pages, as an anonymous visitor sees them, kept in the cache (Redis).

Anonymous visitors all see the same page for the same address and language, so it is rendered
once and served from the cache until a study, condition, pre-screen question or centre changes
(see ``signals``) or ``PAGES.timeout`` passes (``common.page_cache`` says how). Signed-in
people, pages with messages for the visitor, and anything but a plain 200 GET are never cached.
"""

from __future__ import annotations

from functools import wraps

from common.page_cache import PageCache

PAGES = PageCache("studies:public-pages", timeout=600)
invalidate = PAGES.invalidate


def _known_parameters() -> set[str]:
    from .filters import StudyFinderFilter

    return {*StudyFinderFilter.base_filters, "page"}


def public_page(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.is_authenticated or not PAGES.plain_get(request, _known_parameters()):
            return view(request, *args, **kwargs)
        return PAGES.serve(request, PAGES.page_key(request), lambda: view(request, *args, **kwargs))

    return wrapper
