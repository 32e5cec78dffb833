"""Querysets asked on (nearly) every request, their SQL built once per process.

Building a queryset (filters, subqueries, the compiler) costs the ORM a millisecond or more of
Python, often more than the query itself takes in PostgreSQL. ``CompiledQuery`` builds the
queryset once, with a marker in the place of each value that changes between requests, keeps
its SQL and parameters, and from then on only puts the values in and runs it. The markers must
each appear exactly once among the parameters (checked when the SQL is built), so a queryset
whose shape depends on the values cannot be compiled this way by mistake.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence

from django.core.exceptions import ImproperlyConfigured
from django.db import connections
from django.db.models import QuerySet

# Values no query of the portal uses as a constant: each stands for one argument while the SQL is built.
_MARKERS = (-7_301_001, -7_301_002, -7_301_003, -7_301_004)


class CompiledQuery:
    def __init__(self, build: Callable[..., QuerySet], arguments: int):
        if not 0 < arguments <= len(_MARKERS):
            raise ValueError(f"a compiled query takes 1 to {len(_MARKERS)} arguments")
        self.build, self.arguments = build, arguments

    @functools.cached_property
    def _compiled(self) -> tuple[str, list, list[int], str]:
        markers = _MARKERS[:self.arguments]
        queryset = self.build(*markers)
        sql, params = queryset.query.sql_with_params()
        params = list(params)
        if any(params.count(marker) != 1 for marker in markers):
            raise ImproperlyConfigured(f"{self.build.__qualname__}: each argument must appear once in the SQL")
        return sql, params, [params.index(marker) for marker in markers], queryset.db

    def rows(self, *values) -> Sequence[tuple]:
        """The rows of the query for these argument values."""
        if len(values) != self.arguments:
            raise TypeError(f"{self.build.__qualname__} takes {self.arguments} argument(s)")
        sql, params, positions, alias = self._compiled
        params = list(params)
        for position, value in zip(positions, values):
            params[position] = value
        with connections[alias].cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def first_value(self, *values):
        """The first column of the first row, or None when there is no row."""
        rows = self.rows(*values)
        return rows[0][0] if rows else None
