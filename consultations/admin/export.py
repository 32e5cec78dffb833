"""The triage list as CSV: the filtered list or the selected requests, streamed."""

from __future__ import annotations

from django.http import StreamingHttpResponse
from django.utils import timezone

from common.csv_export import streaming_csv_response

from ..templatetags.consultations_tags import hours as format_hours

CSV_COLUMNS = ["Reference", "Submitted", "Title", "Service", "Centre", "Status", "Priority", "Requester",
               "Requester email", "Consultant", "Deadline", "Age (days)", "Overdue", "Hours used", "Hours allotted"]




def _csv_rows(queryset):
    for c in queryset.select_related("requester", "service", "center", "assignee").iterator(chunk_size=2000):
        yield (c.reference, timezone.localtime(c.submitted_at).strftime("%Y-%m-%d %H:%M"), c.title, c.service.name,
               c.center.name, c.get_status_display(), c.get_priority_display(), c.requester.full_name,
               c.requester.email, c.assignee.full_name if c.assignee else "", c.deadline or "", c.age_days,
               "yes" if c.is_overdue else "no", format_hours(c.hours_used), format_hours(c.hours_allotted))


def csv_response(queryset, filename: str) -> StreamingHttpResponse:
    # The one CSV writer of every export: cells a spreadsheet would run as a formula are escaped.
    return streaming_csv_response(CSV_COLUMNS, _csv_rows(queryset), filename)
