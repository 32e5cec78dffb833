"""The finder and the study pages, as an anonymous visitor sees them, kept in the cache (Redis).

Anonymous visitors all see the same page for the same address and language, so it is rendered
once and served from the cache until a study, condition, pre-screen question or centre changes
(any save or delete bumps one version number, which every key contains) or ``TIMEOUT`` passes.
The CSRF token of the cached forms is replaced by each visitor's own token when served.
Signed-in people, pages with messages for the visitor, and anything but a plain 200 GET are
never cached.
"""

from __future__ import annotations

import hashlib
import re
from functools import wraps

from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import translation

TIMEOUT = 600
VERSION_KEY = "studies:public-pages:version"
CSRF_MARK = "__csrf-token-of-this-visitor__"
CSRF_INPUT = re.compile(r'(name="csrfmiddlewaretoken" value=")[A-Za-z0-9]{32,64}(")')


def version() -> int:
    current = cache.get(VERSION_KEY)
    if current is None:
        cache.add(VERSION_KEY, 1, timeout=None)
        current = cache.get(VERSION_KEY, 1)
    return current


def _bump() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 1, timeout=None)


def invalidate(*args, **kwargs) -> None:
    """Forget every cached public page (a signal receiver: any arguments). Again after the commit,
    so that a page rendered from the old rows while the change was in flight is not kept."""
    _bump()
    transaction.on_commit(_bump)


def _key(request) -> str:
    address = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"studies:public-page:{version()}:{translation.get_language()}:{address}"


def _known_parameters() -> set[str]:
    from .filters import StudyFinderFilter

    return {*StudyFinderFilter.base_filters, "page"}


def _cacheable(request) -> bool:
    if request.method != "GET" or request.user.is_authenticated:
        return False
    # Addresses with made-up parameters are rendered, not stored: nobody can fill the cache with them.
    if not set(request.GET) <= _known_parameters() or len(request.META.get("QUERY_STRING", "")) > 300:
        return False
    # Reading the messages of a visitor without a session touches nothing; with one, it is one read.
    return not (request.COOKIES and len(get_messages(request)))


def public_page(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not _cacheable(request):
            return view(request, *args, **kwargs)
        key = _key(request)
        cached = cache.get(key)
        if cached is not None:
            content, content_type = cached
            return HttpResponse(content.replace(CSRF_MARK, get_token(request)), content_type=content_type)
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming and not response.cookies:
            content = CSRF_INPUT.sub(rf"\g<1>{CSRF_MARK}\g<2>", response.content.decode(response.charset))
            cache.set(key, (content, response["Content-Type"]), TIMEOUT)
        return response

    return wrapper
