"""``field__in_array=<subquery>``: ``field = ANY(ARRAY(<subquery>))``, where ``field__in`` would
write ``field IN (<subquery>)``.

PostgreSQL runs the ARRAY(...) once and can then read ``field``'s index with its values, also as
one branch of an OR (``a = 1 OR b = ANY(...)`` becomes two index scans joined). ``b IN (subquery)``
under an OR can only be checked row by row: on a large table ordered by another column that means
walking the whole table to find a person's few rows.
"""

from __future__ import annotations

from django.db.models import Lookup


class InArray(Lookup):
    lookup_name = "in_array"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        if not rhs.startswith("("):
            rhs = f"({rhs})"
        return f"{lhs} = ANY(ARRAY{rhs})", (*lhs_params, *rhs_params)
