"""The triage list's paginator."""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.core.paginator import Paginator
from django.utils.functional import cached_property


class AtLeast(int):
    """A count that stopped at its cap: shows as "10,000+" where the list says how many it holds."""

    def __str__(self) -> str:
        return f"{int(self):,}+"


class RecentCountPaginator(Paginator):
    """The triage list's paginator: the number of matching requests is counted up to COUNT_CAP
    (past it the list says "10,000+" and offers the first 200 pages: nobody pages further, and a
    search or filter narrows it), so a first visit reads at most that many rows however large
    the table grows; the count is then reused for COUNT_SECONDS for the same query. The rows
    themselves are always read fresh; only the total may lag a little."""

    COUNT_SECONDS = 30
    COUNT_CAP = 10_000

    @cached_property
    def count(self) -> int:
        sql, params = self.object_list.query.sql_with_params()
        key = "consultations:triage-count:" + hashlib.sha256(repr((sql, params)).encode()).hexdigest()
        value = cache.get(key)
        if value is None:
            counted = self.object_list.order_by()[:self.COUNT_CAP + 1].count()
            value = counted if counted <= self.COUNT_CAP else AtLeast(self.COUNT_CAP)
            cache.set(key, value, self.COUNT_SECONDS)
        return value
