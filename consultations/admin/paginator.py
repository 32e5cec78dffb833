"""The triage list's paginator."""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.core.paginator import Paginator
from django.utils.functional import cached_property


class RecentCountPaginator(Paginator):
    """The triage list's paginator: the number of matching requests (a scan of every visible
    request, most of the list's database time at scale) is reused for COUNT_SECONDS for
    the same query. The rows themselves are always read fresh; only the total may lag a little."""

    COUNT_SECONDS = 30

    @cached_property
    def count(self) -> int:
        sql, params = self.object_list.query.sql_with_params()
        key = "consultations:triage-count:" + hashlib.sha256(repr((sql, params)).encode()).hexdigest()
        value = cache.get(key)
        if value is None:
            value = Paginator.count.func(self)
            cache.set(key, value, self.COUNT_SECONDS)
        return value
