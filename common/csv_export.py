"""The one CSV writer of every export: cells a spreadsheet would run as a formula are escaped.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by
Excel, LibreOffice and Google Sheets as a formula (``=HYPERLINK(...)``, ``=cmd|...``), so a
study title or a name typed by anyone could run in the spreadsheet of the staff member who
opens the export. Such text gets a leading apostrophe: it shows as typed and never runs.
Numbers the portal computed itself (``-3`` as an int or Decimal) stay numbers.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from decimal import Decimal

from django.http import HttpResponse, StreamingHttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> object:
    """``value`` as a spreadsheet will show it and never run it (None becomes empty)."""
    if value is None:
        return ""
    if isinstance(value, (bool, int, float, Decimal)):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class SafeWriter:
    """``csv.writer`` whose every cell goes through ``safe_cell``."""

    def __init__(self, stream):
        self._writer = csv.writer(stream)

    def writerow(self, row: Iterable):
        return self._writer.writerow([safe_cell(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable]) -> None:
        for row in rows:
            self.writerow(row)


class _Echo:
    def write(self, value):
        return value


def _lines(header: Iterable, rows: Iterable[Iterable]) -> Iterator[str]:
    writer = SafeWriter(_Echo())
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow(row)


def _attachment(response, filename: str):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # Exports hold names and contact details: never kept by the browser or a proxy.
    response["Cache-Control"] = "private, no-store"
    return response


def csv_response(header: Iterable, rows: Iterable[Iterable], filename: str) -> HttpResponse:
    """A download of ``rows`` under ``header``, built in memory (small tables)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    writer = SafeWriter(response)
    writer.writerow(header)
    writer.writerows(rows)
    return _attachment(response, filename)


def streaming_csv_response(header: Iterable, rows: Iterable[Iterable], filename: str) -> StreamingHttpResponse:
    """A download of ``rows`` written as they are read (long exports: memory stays flat)."""
    return _attachment(StreamingHttpResponse(_lines(header, rows), content_type="text/csv; charset=utf-8"),
                       filename)
