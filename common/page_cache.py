"""Rendered pages kept in the cache (Redis), forgotten as soon as what they show changes.

A ``PageCache`` holds one family of pages (the public finder and study pages, the triage list),
a ``common.cache.VersionedCache``: ``invalidate`` (a signal receiver) is connected to every
row the pages show, so the next visit after a change renders afresh, and ``timeout`` bounds how
long any page is kept.

The CSRF token of the stored forms is replaced by each visitor's own token when served. Only
plain 200 responses without cookies are stored; the caller decides which requests qualify
(never a POST, never a page carrying messages for the visitor).

A family of pages that show protected fields (contact details) is ``sealed``: its pages are kept
encrypted (``common.sealing``), never as readable text in the cache. Such a page is also audited
on every view, served from the cache or not: the view puts what it showed on the response as
``response.kept_with_page`` (say, the ids of the records), which is stored with the page and
handed to ``on_hit`` each time the stored page is served.
"""

from __future__ import annotations

import hashlib
import re
from functools import wraps

from django.contrib.messages import get_messages
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone, translation

from . import sealing
from .cache import VersionedCache

CSRF_MARK = "__csrf-token-of-this-visitor__"
CSRF_INPUT = re.compile(r'(name="csrfmiddlewaretoken" value=")[A-Za-z0-9]{32,64}(")')
MAX_QUERY_STRING = 300


class PageCache(VersionedCache):
    def __init__(self, name: str, timeout: int, *, sealed: bool = False):
        super().__init__(name, timeout)
        self.sealed = sealed

    def _seal(self, content: str) -> str | bytes:
        return sealing.fernet(b"kept pages").encrypt(content.encode()) if self.sealed else content

    def _open(self, content: str | bytes) -> str:
        return sealing.fernet(b"kept pages").decrypt(content).decode() if self.sealed else content

    def page_key(self, request, *scope) -> str:
        """The key of this address, in this language, for ``scope`` (who is looking, what day it is ...)."""
        address = hashlib.sha256(repr((request.get_full_path(), scope)).encode()).hexdigest()
        return self.key(translation.get_language(), address)

    @staticmethod
    def plain_get(request, known_parameters: set[str] | None = None) -> bool:
        """A GET whose answer may be stored: no messages waiting for the visitor, and (with
        ``known_parameters``) no made-up parameters, so nobody can fill the cache with them."""
        if request.method != "GET" or len(request.META.get("QUERY_STRING", "")) > MAX_QUERY_STRING:
            return False
        if known_parameters is not None and not set(request.GET) <= known_parameters:
            return False
        # Reading the messages of a visitor without a session touches nothing; with one, it is one read.
        return not (request.COOKIES and len(get_messages(request)))

    def serve(self, request, key: str, render, on_hit=None) -> HttpResponse:
        """The page stored under ``key``, or ``render()``-ed and stored; ``on_hit(kept)`` is called
        with the response's ``kept_with_page`` each time the stored page is served."""
        stored, version = self.read(key)
        if stored is not None:
            response, kept = self.respond(request, stored)
            if on_hit is not None:
                on_hit(kept)
            return response
        response = render()
        self.store(key, version, response)
        return response

    def respond(self, request, stored) -> tuple[HttpResponse, object]:
        """(the stored page as this visitor's response, what was kept with it)."""
        content, content_type, *kept = stored  # (pages kept before ``kept_with_page`` have two parts)
        return (HttpResponse(self._open(content).replace(CSRF_MARK, get_token(request)), content_type=content_type),
                kept[0] if kept else None)

    def store(self, key: str, version: int, response) -> None:
        """Keep ``response`` (read under ``version``) if it is a plain 200 page without cookies."""
        if response.status_code == 200 and not response.streaming and not response.cookies:
            if hasattr(response, "render"):
                response.render()
            content = CSRF_INPUT.sub(rf"\g<1>{CSRF_MARK}\g<2>", response.content.decode(response.charset))
            self.write(key, version, (self._seal(content), response["Content-Type"],
                                      getattr(response, "kept_with_page", None)))


def serve_person(pages: PageCache, request, render, parameters: frozenset[str] | None = frozenset(), scope=(),
                 on_hit=None):
    """A signed-in person's GET of a page (with only ``parameters``; None: any, as an admin list's
    filters), rendered by ``render()`` once per change and then served from ``pages``. Check rights
    *before* calling this. The key holds the person,
    ``scope`` (the page's arguments, and a stamp of what it shows where signals cannot tell: see the box
    map) and today's date (pages say "3 days ago" and "overdue")."""
    if not request.user.is_authenticated or not pages.plain_get(
            request, None if parameters is None else set(parameters)):
        return render()
    key = pages.page_key(request, request.user.pk, scope, timezone.localdate().isoformat())
    return pages.serve(request, key, render, on_hit)


def person_page(pages: PageCache, parameters: frozenset[str] = frozenset(), check=None):
    """A view decorator for ``serve_person``. Put it *under* the decorators that check rights, which
    then run on every request, or give the view's own check as ``check(request)`` (it raises
    PermissionDenied), run before the cache is read."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if check is not None:
                check(request)
            return serve_person(pages, request, lambda: view(request, *args, **kwargs), parameters,
                                (args, sorted(kwargs.items())))

        return wrapper

    return decorate
