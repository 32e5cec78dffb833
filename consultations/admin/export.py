"""The triage list as CSV: the filtered list or the selected requests, streamed."""

from __future__ import annotations

import csv

from django.http import StreamingHttpResponse
from django.utils import timezone

from ..templatetags.consultations_tags import hours as format_hours

CSV_COLUMNS = ["Reference", "Submitted", "Title", "Service", "Centre", "Status", "Priority", "Requester",
               "Requester email", "Consultant", "Deadline", "Age (days)", "Overdue", "Hours used", "Hours allotted"]



class _Echo:
    def write(self, value):
        return value


def _csv_cell(value) -> str:
    """Text a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _csv_rows(queryset):
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    for c in queryset.select_related("requester", "service", "center", "assignee").iterator(chunk_size=2000):
        yield writer.writerow([_csv_cell(value) for value in (
            c.reference, timezone.localtime(c.submitted_at).strftime("%Y-%m-%d %H:%M"), c.title, c.service.name,
            c.center.name, c.get_status_display(), c.get_priority_display(), c.requester.full_name,
            c.requester.email, c.assignee.full_name if c.assignee else "", c.deadline or "", c.age_days,
            "yes" if c.is_overdue else "no", format_hours(c.hours_used), format_hours(c.hours_allotted))])


def csv_response(queryset, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(_csv_rows(queryset), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
