from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import localize
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

from accounts.backends import forget_on_change
from common.csv_export import csv_response
from common.page_cache import PageCache, person_page
from studies.models import Interest

from . import charts, selectors


@dataclass
class Table:
    key: str
    title: str
    headers: list[str]
    rows: list[list]
    chart: SafeString | None = None
    note: str = ""
    empty: str = ""  # said instead of a chart of zeros: why there is nothing, and what to do

    def body(self) -> SafeString:
        """The table's rows as HTML, built here: the dashboard has over a thousand cells and the
        template language spends most of the page's time on them. Each cell reads as the template
        would show it (localised, escaped; a missing figure as a dash; a record in the first cell
        as a link to it)."""
        grouped = settings.USE_THOUSAND_SEPARATOR

        def shown(value) -> str:
            if type(value) is int and not grouped:  # what localize gives a whole number, without its cost
                return str(value)
            return conditional_escape(localize(value))

        def cell(value, first: bool) -> str:
            if first:
                text = (format_html('<a href="{}">{}</a>', value.url, value) if isinstance(value, selectors.Link)
                        else shown(value))
                return f'<th scope="row">{text}</th>'
            return "<td>—</td>" if value is None else f"<td>{shown(value)}</td>"

        return mark_safe("".join(  # nosec B308, B703: every value is escaped above
            "<tr>" + "".join(cell(value, n == 0) for n, value in enumerate(row)) + "</tr>" for row in self.rows))


def _tables(scope: selectors.Scope, now) -> list[Table]:
    per_month = selectors.requests_per_month_by_service(scope, now)
    turnaround = selectors.turnaround(scope)
    timed = bool(turnaround[-1][2])  # the overall row's requests triaged
    open_rows = selectors.open_by_center_and_age(scope, now)
    hours = selectors.hours_by_center(scope)
    interests = selectors.interests_per_month(scope, now)
    funnel = selectors.funnel_per_study(scope)
    shown = ", ".join(selectors.all_centres_shown(scope))
    no_studies = (f"No study inquiries in the last {selectors.MONTHS} months for the studies run by {shown}. "
                  "Studies count under the centre that runs them: choose another centre above to see its studies.")
    tables = [
        Table("requests-per-month", "Consultation requests received per month, by service",
              ["Month"] + per_month["services"] + ["Total"], per_month["rows"],
              charts.columns([m[:3] for m in per_month["months"]],
                             [charts.Series(name, values) for name, values in per_month["series"].items()],
                             title="Consultation requests received per month, by service")),
        Table("turnaround", "Median days from submission to triage and to completion",
              ["Centre", "Median days to triage", "Requests triaged", "Median days to completion",
               "Requests completed"], turnaround,
              charts.bars([r[0] for r in turnaround], [charts.Series("Median days to triage",
                                                                    [r[1] or 0 for r in turnaround])],
                          title="Median days from submission to triage", unit=" d") if timed else None,
              # Without a triaged request there is no median to draw (a bar would say "0 days").
              note="The chart shows the median days to triage; the table gives both medians." if timed else
              "No request in these centres has been triaged yet: the table shows a dash for each median."),
        Table("open-by-age", "Open requests by centre and age",
              ["Centre"] + [label for _, label, *_ in selectors.AGE_BUCKETS] + ["Open"], open_rows,
              charts.bars([r[0] for r in open_rows],
                          [charts.Series(label, [r[i + 1] for r in open_rows])
                           for i, (_, label, *_) in enumerate(selectors.AGE_BUCKETS)],
                          title="Open requests by centre and age")),
        Table("overdue", "Overdue: waiting in “submitted” over two working days",
              ["Reference", "Centre", "Service", "Days waiting"], selectors.overdue(scope, now)),
        Table("hours", "Faculty hours used against allotments",
              ["Centre", "Hours used", "Hours allotted", "Requests over allotment", "Requests"], hours,
              charts.bars([r[0] for r in hours],
                          [charts.Series("Hours used", [r[1] for r in hours])],
                          title="Faculty hours used, by centre", unit=" h")),
        Table("interests-per-month", "Study inquiries per month", ["Month", "Inquiries"], interests,
              charts.columns([r[0][:3] for r in interests], [charts.Series("Inquiries", [r[1] for r in interests])],
                             title="Study inquiries per month"),
              empty=no_studies if not any(r[1] for r in interests) else ""),
        Table("enrollment-funnel", "Enrollment funnel per study (15 studies with most inquiries)",
              ["Study"] + [stage.label for stage in Interest.Stage], funnel,
              charts.columns([r[0][:10] for r in funnel],
                             [charts.Series(stage.label, [r[i + 1] for r in funnel])
                              for i, stage in enumerate(Interest.Stage)],
                             title="Enrollment funnel per study", grouped=True)
              if funnel else None,
              note="Each stage counts the inquiries that reached it, whatever happened after.",
              empty="" if funnel else no_studies),
    ]
    ratings = selectors.satisfaction(scope)
    tables.append(Table(
        "satisfaction", "Researchers' satisfaction by centre and service (1 to 5)",
        ["Centre · service", "Answers", "Average score", "Lowest score"], ratings,
        charts.bars([r[0] for r in ratings], [charts.Series("Average score", [r[2] for r in ratings])],
                    title="Average satisfaction by centre and service") if ratings else None,
        note="Asked once by email when a request is completed."))
    if scope.biobank:
        biobank = selectors.biobank_requests_by_status()
        tables.append(Table("biobank-requests", "Biobank requests by status", ["Kind", "Status", "Requests"], biobank,
                            charts.bars([f"{r[0]}: {r[1]}" for r in biobank],
                                        [charts.Series("Requests", [r[2] for r in biobank])],
                                        title="Biobank requests by status")))
    return tables


# The tables, read from the figures PostgreSQL keeps on write (dashboards.rollups: about 8 ms at
# any size) and drawn into charts, kept per scope this long; the page says "as of" when.
TABLES_CACHE_SECONDS = 120
# The page drawn from those tables (a thousand cells), kept per person and centre asked for as
# long: it says "as of" when its figures were computed. Forgotten when who works where changes.
PAGES = PageCache("dashboards:pages", timeout=TABLES_CACHE_SECONDS)


def connect() -> None:
    from centers.models import Center, StaffMembership

    forget_on_change(PAGES, (Center, StaffMembership), "dashboards.pages")


def _cached_tables(scope: selectors.Scope):
    """(tables, when they were computed) for ``scope``, from the cache when fresh enough."""
    centres = "all" if scope.everything else ",".join(map(str, sorted(scope.center_ids)))
    key = f"dashboards:tables:{centres}:{int(scope.biobank)}"
    cached = cache.get(key)
    if cached is None:
        now = timezone.now()
        cached = (_tables(scope, now), now)
        cache.set(key, cached, TABLES_CACHE_SECONDS)
    return cached


def _scope_or_403(request) -> selectors.Scope:
    """The person's scope (read once per request: the stored page's check and the page share it)."""
    scope = getattr(request, "dashboard_scope", None)
    if scope is None:
        scope = selectors.scope_for(request.user, request.GET.get("centre", "")[:12])
        if scope is None:
            raise PermissionDenied("The dashboard is for DCR staff.")
        request.dashboard_scope = scope
    return scope


@login_required
@person_page(PAGES, frozenset({"centre"}), check=_scope_or_403)
def dashboard(request):
    scope = _scope_or_403(request)
    tables, now = _cached_tables(scope)
    return render(request, "dashboards/dashboard.html", {
        "tables": tables, "now": now, "centres": selectors.all_centres_shown(scope), "scope": scope,
        "several": len(scope.choices) > 1,
    })


@login_required
def table_csv(request, key: str):
    scope = _scope_or_403(request)
    table = next((t for t in _cached_tables(scope)[0] if t.key == key), None)
    if table is None:
        raise Http404("No such table")
    return csv_response(table.headers, table.rows, f"dcr-{key}-{timezone.localdate():%Y-%m-%d}.csv")
