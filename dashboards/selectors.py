"""The numbers behind the staff dashboard: a handful of grouped queries, whatever the data size.

A staff member sees the centres they work for; a superuser sees every centre. Biobank request
figures are shown to biobank staff and superusers.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Avg, Count, Min, Q, Sum
from django.utils import timezone

from accounts import roles
from biobank.models import RecontactRequest, SampleRequest
from centers.models import Center, StaffMembership
from consultations.models import OPEN_STATUSES, ConsultationRequest, Status, Survey
from .models import CentreTotals, InterestMonth, OpenRequestDay, RequestMonth, StudyFunnel, Turnaround

MONTHS = 12
AGE_BUCKETS = [("under_2_days", "Under 2 days", 0, 2), ("2_to_7_days", "2-7 days", 2, 7),
               ("1_to_4_weeks", "1-4 weeks", 7, 30), ("over_30_days", "Over 30 days", 30, None)]


@dataclass(frozen=True)
class Link:
    """A table cell that leads to the record (the CSV keeps the text)."""

    text: str
    url: str

    def __str__(self) -> str:
        return self.text


@dataclass
class Scope:
    """What a person may see: ``center_ids`` None means every centre.

    ``choices`` are the centres the person may narrow the figures to ((id, name); a superuser's
    list is every active centre); ``chosen`` the one they narrowed it to, if any.
    """

    center_ids: list[int] | None
    biobank: bool
    center_names: list[str] = field(default_factory=list)
    choices: list[tuple[int, str]] = field(default_factory=list)
    chosen: int | None = None

    @property
    def everything(self) -> bool:
        return self.center_ids is None


def scope_for(user, centre: int | str | None = None) -> Scope | None:
    """None when the person may not use the dashboard at all.

    ``centre`` narrows the figures to one of the person's centres (another id is ignored).
    """
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return None
    if user.is_superuser:
        scope = Scope(center_ids=None, biobank=True,
                      choices=list(Center.objects.filter(active=True).order_by("name").values_list("pk", "name")))
    else:
        memberships = list(StaffMembership.objects.filter(user=user).order_by("center__name")
                           .values_list("center_id", "center__name"))
        biobank = roles.has_role(user, roles.BIOBANK_STAFF)
        if not memberships and not biobank:
            return None
        scope = Scope(center_ids=[pk for pk, _ in memberships], biobank=biobank,
                      center_names=[name for _, name in memberships], choices=memberships)
    chosen = next((pk for pk, _ in scope.choices if str(pk) == str(centre)), None) if centre else None
    if chosen is not None:
        scope.center_ids, scope.chosen = [chosen], chosen
        scope.center_names = [name for pk, name in scope.choices if pk == chosen]
    return scope


def _month_starts(now: datetime.datetime) -> list[datetime.date]:
    first = timezone.localtime(now, timezone.get_default_timezone()).date().replace(day=1)
    months = []
    for _ in range(MONTHS):
        months.append(first)
        first = (first - datetime.timedelta(days=1)).replace(day=1)
    return list(reversed(months))


def _in_scope(queryset, scope: Scope, field: str = "center_id"):
    return queryset if scope.everything else queryset.filter(**{f"{field}__in": scope.center_ids})


def _consultations(scope: Scope):
    return _in_scope(ConsultationRequest.objects.all(), scope)


def requests_per_month_by_service(scope: Scope, now: datetime.datetime) -> dict:
    months = _month_starts(now)
    rows = (_in_scope(RequestMonth.objects.filter(month__gte=months[0], requests__gt=0), scope)
            .values("month", "service__name").annotate(n=Sum("requests")).order_by())
    services = sorted({row["service__name"] for row in rows})
    counts = {(row["month"], row["service__name"]): row["n"] for row in rows}
    return {
        "months": [m.strftime("%b %Y") for m in months],
        "services": services,
        "rows": [[m.strftime("%b %Y")] + [counts.get((m, s), 0) for s in services]
                 + [sum(counts.get((m, s), 0) for s in services)] for m in months],
        "series": {s: [counts.get((m, s), 0) for m in months] for s in services},
    }


def _median(counts: list[tuple[int, int]]) -> float | None:
    """The median of values given as (value, how many) in order: the middle one, or the mean of the two."""
    total = sum(n for _, n in counts)
    if not total:
        return None
    wanted, found, seen = [(total + 1) // 2, total // 2 + 1], [], 0
    for value, n in counts:
        seen += n
        while wanted and seen >= wanted[0]:
            found.append(value)
            wanted.pop(0)
        if not wanted:
            break
    return sum(found) / len(found)


def turnaround(scope: Scope) -> list[list]:
    """Median days from submission to triage and to completion, by centre and overall: from the count
    of requests per tenth of a day (dashboards.models.Turnaround), a few thousand rows where sorting
    every request's duration took 0.75 s at 500,000 requests. The median is the middle request's
    tenth of a day (or the mean of the two middle ones)."""
    rows = (_in_scope(Turnaround.objects.filter(requests__gt=0), scope)
            .order_by("kind", "tenths").values_list("center_id", "center__name", "kind", "tenths", "requests"))
    per: dict[tuple, list] = {}
    overall: dict[tuple, int] = {}
    names = {}
    for center, name, kind, tenths, n in rows:
        names[center] = name
        per.setdefault((center, kind), []).append((tenths, n))
        overall[(kind, tenths)] = overall.get((kind, tenths), 0) + n
    for (kind, tenths), n in sorted(overall.items()):
        per.setdefault((None, kind), []).append((tenths, n))
    # Every centre with requests has its row, a dash for a median none of its requests has yet.
    names.update(_in_scope(CentreTotals.objects.filter(requests__gt=0), scope).values_list("center_id", "center__name"))

    def row(name, center):
        figures = []
        for kind in (Turnaround.Kind.TRIAGE, Turnaround.Kind.COMPLETION):
            counts = per.get((center, kind), [])
            median = _median(counts)
            figures += [None if median is None else round(median / 10, 1), sum(n for _, n in counts)]
        return [name, *figures]

    return [*sorted((row(name, center) for center, name in names.items()), key=lambda r: r[0]),
            row("All shown centres", None)]


def open_by_center_and_age(scope: Scope, now: datetime.datetime) -> list[list]:
    """Open requests by centre and age, from the figures kept on write: each centre's open total
    (dashboards.models.CentreTotals), the open requests per day of the last month
    (OpenRequestDay) and, counted exactly, those of the three days a band's edge falls in.
    What is left of the total is over 30 days old."""
    edges = [(key, now - datetime.timedelta(days=low)) for key, _, low, _ in AGE_BUCKETS]
    zone = timezone.get_default_timezone()  # the zone the figures are kept in (dashboards.rollups)
    today = timezone.localtime(now, zone).date()
    edge_days = [(key, timezone.localtime(edge, zone).date()) for key, edge in edges[1:]]
    split_days = {day for _, day in edge_days}
    oldest = AGE_BUCKETS[-1][0]
    totals, names = {}, {}
    for center, name, n in (_in_scope(CentreTotals.objects.filter(open_requests__gt=0), scope)
                            .values_list("center_id", "center__name", "open_requests")):
        totals[center], names[center] = n, name
    counts = {center: {key: 0 for key, *_ in AGE_BUCKETS} for center in totals}

    def band_of_day(day: datetime.date) -> str | None:
        """The band of a whole day that no edge splits (after today: none, in the total only)."""
        return next((key for key, edge_day in reversed(edge_days) if day < edge_day),
                    AGE_BUCKETS[0][0] if day <= today else None)

    recent = (_in_scope(OpenRequestDay.objects.filter(requests__gt=0, day__gt=edge_days[-1][1]), scope)
              .exclude(day__in=split_days).values_list("center_id", "day", "requests"))
    unbanded = dict.fromkeys(totals, 0)
    for center, day, n in recent:
        band = band_of_day(day)
        if center in counts and band:
            counts[center][band] += n
        elif center in counts:
            unbanded[center] += n
    on_split_days = Q()
    for day in split_days:
        start = datetime.datetime.combine(day, datetime.time(), tzinfo=zone)
        on_split_days |= Q(submitted_at__gte=start, submitted_at__lt=start + datetime.timedelta(days=1))
    for center, submitted in (_consultations(scope).filter(on_split_days, status__in=OPEN_STATUSES)
                              .values_list("center_id", "submitted_at")):
        band = next((key for key, edge in reversed(edges) if submitted <= edge), None)
        if center in counts and band:
            counts[center][band] += 1
    for center, per in counts.items():  # every other open request was submitted before the oldest edge's day
        per[oldest] = totals[center] - unbanded[center] - sum(n for key, n in per.items() if key != oldest)
    rows = [[names[center]] + [per[key] for key, *_ in AGE_BUCKETS] + [totals[center]] for center, per in counts.items()]
    return sorted(rows, key=lambda r: (-r[-1], r[0]))


def overdue(scope: Scope, now: datetime.datetime, limit: int = 25) -> list[list]:
    rows = (_consultations(scope).filter(status=Status.SUBMITTED, overdue_at__lt=now)
            .select_related("center", "service").order_by("submitted_at")[:limit])
    return [[Link(r.reference, r.get_admin_url()), r.center.name, r.service.name, (now - r.submitted_at).days]
            for r in rows]


def hours_by_center(scope: Scope) -> list[list]:
    rows = (_in_scope(CentreTotals.objects.filter(requests__gt=0), scope)
            .values_list("center__name", "hours_used", "hours_allotted", "over_allotment", "requests"))
    return sorted(([name, float(used), float(allotted), over, n] for name, used, allotted, over, n in rows),
                  key=lambda r: (-r[1], r[0]))


def satisfaction(scope: Scope) -> list[list]:
    """The researchers' survey answers by centre and service: answers, average score (1-5), lowest."""
    rows = (Survey.objects.filter(request__in=_consultations(scope))
            .values("request__center__name", "request__service__name")
            .annotate(n=Count("id"), average=Avg("score"), lowest=Min("score"))
            .order_by("request__center__name", "request__service__name"))
    return [[f"{r['request__center__name']} · {r['request__service__name']}", r["n"], round(r["average"], 1),
             r["lowest"]] for r in rows]


def interests_per_month(scope: Scope, now: datetime.datetime) -> list[list]:
    months = _month_starts(now)
    counts = dict(_in_scope(InterestMonth.objects.filter(month__gte=months[0]), scope)
                  .values_list("month").annotate(n=Sum("interests")).order_by())
    return [[m.strftime("%b %Y"), counts.get(m, 0)] for m in months]


FUNNEL = ["inquiries", "contacted", "eligible", "consented", "enrolled"]  # Interest.Stage, in order


def funnel_per_study(scope: Scope, limit: int = 15) -> list[list]:
    """The ``limit`` studies with the most inquiries, each inquiry counted at every stage it reached."""
    rows = (_in_scope(StudyFunnel.objects.filter(inquiries__gt=0), scope, "study__center_id")
            .order_by("-inquiries", "study_id").values_list("study__short_title", "study__lay_title", *FUNNEL)[:limit])
    return [[short or lay, *counts] for short, lay, *counts in rows]


def biobank_requests_by_status() -> list[list]:
    rows = []
    for model, kind in ((SampleRequest, "Samples"), (RecontactRequest, "Re-contact")):
        labels = dict(model.Status.choices)
        for r in model.objects.values("status").annotate(n=Count("id")).order_by("status"):
            rows.append([kind, labels.get(r["status"], r["status"]), r["n"]])
    return rows


def all_centres_shown(scope: Scope) -> list[str]:
    if scope.everything:
        return ["every centre and unit"]
    return scope.center_names or [c.name for c in Center.objects.filter(pk__in=scope.center_ids)]
