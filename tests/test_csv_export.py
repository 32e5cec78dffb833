"""The one CSV writer of every export: nothing a spreadsheet would run as a formula gets out."""

import csv
import io
from decimal import Decimal

import pytest

from common.csv_export import csv_response, safe_cell, streaming_csv_response


@pytest.mark.parametrize("typed", ["=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1",
                                   '=HYPERLINK("http://evil.example","x")', "=cmd|' /C calc'!A0"])
def test_text_that_a_spreadsheet_would_run_gets_a_leading_apostrophe(typed):
    assert safe_cell(typed) == "'" + typed


@pytest.mark.parametrize("value, shown", [("Plain title", "Plain title"), ("a=b", "a=b"), (None, ""),
                                          (-3, -3), (Decimal("-1.5"), Decimal("-1.5")), ("", "")])
def test_ordinary_text_and_numbers_are_left_alone(value, shown):
    assert safe_cell(value) == shown


def read(response) -> list[list[str]]:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.reader(io.StringIO(content.decode())))


@pytest.mark.parametrize("make", [csv_response, streaming_csv_response])
def test_both_responses_escape_header_and_cells_and_are_never_kept(make):
    response = make(["Title", "=Header"], [["=1+2", 4], ["Fine", None]], "x.csv")
    assert read(response) == [["Title", "'=Header"], ["'=1+2", "4"], ["Fine", ""]]
    assert response["Content-Disposition"] == 'attachment; filename="x.csv"'
    assert "no-store" in response["Cache-Control"]
