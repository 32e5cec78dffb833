"""The COPY writer used by the imports and seeders: every value comes back from PostgreSQL as written."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

from common.scale import copy_line

AWKWARD = ["plain", "tab\there", "new\nline", "carriage\rreturn", "back\\slash", "\\N", "", "ünïcödé ✓", "a\\tb"]


@pytest.mark.django_db
def test_values_survive_a_copy_into_postgresql():
    rows = [(n, text, n % 2 == 0, None if n % 3 else Decimal("1.250"), date(2024, 1, n + 1))
            for n, text in enumerate(AWKWARD)]
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE copy_check (n int, text text, flag boolean, amount numeric, day date)")
        cursor.copy_expert("COPY copy_check FROM STDIN", io.StringIO("".join(copy_line(row) for row in rows)))
        cursor.execute("SELECT n, text, flag, amount, day FROM copy_check ORDER BY n")
        assert cursor.fetchall() == rows


def test_a_line_is_tab_separated_with_null_and_booleans_spelled_for_copy():
    assert copy_line(iter([1, None, True, False, "x"])) == "1\t\\N\tt\tf\tx\n"
