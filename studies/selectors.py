"""Reads of the studies app: the trial finder with its counts, the team's lists, the bed board."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.postgres.search import SearchRank
from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import get_language, gettext, ngettext
from psycopg2.extras import DateTimeTZRange

from accounts import roles

from . import facets, nearby
from .facets import FacetOption
from .filters import DEFAULT_DISTANCE, StudyFinderFilter, search_query
from .geocode import Place
from .models import Bed, BedBooking, Interest, InterestNote, InterestStatusChange, Study
from .study_page import spanish_or_none

FINDER_PAGE_SIZE = 20


@dataclass
class Finder:
    filterset: StudyFinderFilter
    page: Page
    facets: dict[str, list[FacetOption]]
    query_string: str  # the search without the page number, for links that keep it
    active: list[tuple[str, str, str]] = field(default_factory=list)  # (label, value text, link without it)
    sort: str = "relevance"
    place: Place | None = None

    @property
    def page_links(self) -> list[tuple[int | str, str]]:
        """(page number or "…", address) for the pages around this one."""
        numbers = self.page.paginator.get_elided_page_range(self.page.number, on_each_side=2, on_ends=1)
        prefix = f"?{self.query_string}&page=" if self.query_string else "?page="
        return [(n, f"{prefix}{n}" if isinstance(n, int) else "") for n in numbers]

    @property
    def detail_query(self) -> str:
        """The search with its page, carried to a study page so that "back to results" returns here."""
        return f"{self.query_string}&page={self.page.number}" if self.query_string else f"page={self.page.number}"

    @property
    def count(self) -> int:
        return self.page.paginator.count


class StudiesInOrder(Sequence):
    """The studies of ``ids``, in that order, read a slice at a time (what a paginator asks for)."""

    def __init__(self, ids: list[int], queryset: QuerySet[Study]):
        self.ids, self.queryset = ids, queryset

    def __len__(self) -> int:
        return len(self.ids)

    def __iter__(self):
        return iter(self[:])  # one query, not one per study

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index:index + 1 or None][0]
        ids = self.ids[index]
        found = {study.pk: study for study in self.queryset.filter(pk__in=ids)} if ids else {}
        return [found[pk] for pk in ids if pk in found]


def finder_base() -> QuerySet[Study]:
    """Studies the finder searches: public and taking inquiries."""
    return Study.objects.listed().filter(status__in=Study.OPEN_TO_INQUIRIES)


def _without(params: QueryDict, *keys: str) -> QueryDict:
    data = params.copy()
    for key in keys:
        data.pop(key, None)
    return data


def finder(params: QueryDict, page_number: Any = None) -> Finder:
    """Search the listed, recruiting studies; count, for each filter option, the studies it would show.

    Queries: one finds the studies the words, age and place allow, in order, with what the filter
    groups count (``facets``); then the page's studies, their conditions and (near a place) sites.
    """
    filterset = StudyFinderFilter(params, queryset=finder_base())
    filterset.is_valid()
    cleaned = filterset.form.cleaned_data
    text = (cleaned.get("q") or "").strip()
    place = cleaned.get("near")
    miles = cleaned.get("distance") or DEFAULT_DISTANCE
    sort = cleaned.get("sort") or ("nearest" if place else "relevance")
    candidates = filterset.qs  # narrowed by the words, the age and the place; the groups are counted below
    if sort == "nearest" and place:
        candidates = nearby.by_distance(candidates, place, miles)
    elif sort == "newest":
        candidates = candidates.order_by(F("registry__first_posted").desc(nulls_last=True), "-created_at", "-pk")
    elif text:
        candidates = candidates.annotate(rank=SearchRank(F("search_vector"), search_query(text))).order_by(
            "-rank", "lay_title", "pk")
    else:
        candidates = candidates.order_by("lay_title", "pk")
    chosen = {group: "on" if cleaned[group] is True else str(cleaned[group]) for group in StudyFinderFilter.FACETS
              if cleaned.get(group) not in (None, "", False)}
    faceted = facets.count(facets.facet_rows(candidates), chosen)
    shown = (finder_base().select_related("center", "spanish").defer("search_vector", "center__search_vector")
             .prefetch_related("conditions").order_by())
    if place:
        shown = shown.prefetch_related(Prefetch("locations", queryset=nearby.sites_near(place, miles)))
    page = Paginator(StudiesInOrder(faceted.results, shown), FINDER_PAGE_SIZE).get_page(page_number)
    if place:
        nearby.mark_nearest_sites(list(page), place)
    if (get_language() or "").startswith("es"):
        for study in page:  # the staff's Spanish title and summary, where written (joined, no query)
            spanish = spanish_or_none(study)
            study.lay_title, study.summary = (spanish.lay_title, spanish.summary) if spanish else (
                study.lay_title, study.summary)
    kept = _without(params, "page")
    for key in list(kept):
        if key not in filterset.filters or not kept.get(key):
            kept.pop(key)
    active = []
    for name in ("q", *StudyFinderFilter.FACETS, "age", "near"):
        value = cleaned.get(name)
        if value in (None, "", False):
            continue
        label = filterset.filters[name].label
        shown_text = _active_text(name, value, faceted.facets)
        active.append((label, shown_text, _without(kept, name).urlencode()))
    return Finder(filterset=filterset, page=page, facets=faceted.facets, query_string=kept.urlencode(),
                  active=active, sort=sort, place=place)


def finder_query(params: QueryDict) -> str:
    """The finder's own parameters among ``params`` (a study page's address), for "back to results"."""
    known = {*StudyFinderFilter.base_filters, "page"}
    kept = QueryDict(mutable=True)
    for key, values in params.lists():
        if key in known:
            kept.setlist(key, [value[:200] for value in values if value][:5])
    return kept.urlencode()


def _active_text(name: str, value: Any, facets: dict[str, list[FacetOption]]) -> str:
    if name in facets:
        for option in facets[name]:
            if option.selected:
                return option.label or gettext("Yes")
    if name == "near":
        return value.label
    if name == "age":
        return ngettext("%(age)s year", "%(age)s years", value) % {"age": value}
    return str(value)


# --- Study pages -------------------------------------------------------------------------


def public_study(pk: int) -> Study | None:
    """A public study (closed or not) with what its page shows; None when it is not public.

    Four queries whatever the study holds: the study with its centre, registry record and
    Spanish text; its conditions; its pre-screen questions; its sites.
    """
    return (Study.objects.filter(pk=pk, is_public=True).select_related("center", "registry", "spanish")
            .prefetch_related("conditions", "questions", "locations").first())


# --- People and study teams ------------------------------------------------------------


def saved_studies_of(user) -> QuerySet[Study]:
    """The public studies a person saved, last saved first (closed ones too: the list says so)."""
    return (Study.objects.filter(saved_by__user=user, is_public=True).select_related("center")
            .order_by("-saved_by__saved_at", "-pk"))


def is_saved(user, study: Study) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and study.saved_by.filter(user=user).exists()


def inquiries_of(user) -> QuerySet[Interest]:
    return Interest.objects.filter(user=user).select_related("study").order_by("-created_at")


def can_use_team_pages(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_superuser or roles.has_role(user, roles.STUDY_TEAM) or user.study_teams.exists()


def funnel_annotations() -> dict[str, Count]:
    """Counts of inquiries that reached each funnel stage (an enrolled person was also contacted)."""
    return {
        f"funnel_{stage.name.lower()}": Count("interests", filter=Q(interests__stage_reached__gte=stage.value))
        for stage in Interest.Stage
    } | {"new_count": Count("interests", filter=Q(interests__status=Interest.Status.NEW))}


# How the list of a team's studies can be sorted: (label, order).
TEAM_SORTS = {
    "new": ("Most new inquiries first", ("-new_count", "lay_title", "pk")),
    "title": ("Title, A to Z", ("lay_title", "pk")),
    "inquiries": ("Most inquiries first", ("-funnel_inquiry", "lay_title", "pk")),
    "enrolled": ("Most enrolled first", ("-funnel_enrolled", "lay_title", "pk")),
}


def team_studies(user, *, search: str = "", sort: str = "new") -> QuerySet[Study]:
    """The studies a team member works, with their funnel counts, in one query; new inquiries first.

    ``search`` matches the titles, the short name, the NCT number and the IRB protocol.
    """
    studies = Study.objects.for_team(user).select_related("center").annotate(**funnel_annotations())
    search = search.strip()
    if search:
        studies = studies.filter(Q(lay_title__icontains=search) | Q(title__icontains=search)
                                 | Q(short_title__icontains=search) | Q(nct_id__iexact=search)
                                 | Q(irb_protocol__iexact=search))
    return studies.order_by(*TEAM_SORTS.get(sort, TEAM_SORTS["new"])[1])


def funnel(study: Study) -> list[tuple[str, int]]:
    """(stage label, count) for a study annotated by ``team_studies``."""
    return [(stage.label, getattr(study, f"funnel_{stage.name.lower()}")) for stage in Interest.Stage]


def team_interests(study: Study) -> QuerySet[Interest]:
    return study.interests.select_related("user").order_by("-created_at", "-pk")


def team_interest(user, pk: int) -> Interest | None:
    """One inquiry of a study on ``user``'s team, with its history and notes (three queries)."""
    return (Interest.objects.filter(study__in=Study.objects.for_team(user), pk=pk).select_related("study", "user")
            .prefetch_related(Prefetch("status_changes", queryset=InterestStatusChange.objects.select_related("by")),
                              Prefetch("notes", queryset=InterestNote.objects.select_related("author")))
            .first())


# --- TRC beds --------------------------------------------------------------------------


def can_use_beds(user) -> bool:
    return roles.has_role(user, roles.STUDY_TEAM, roles.DCR_STAFF)


def bookable_studies(user) -> QuerySet[Study]:
    """Studies a person may book beds for: their team's studies, or any open one for DCR staff."""
    studies = Study.objects.exclude(status__in=Study.CLOSED_STATUSES)
    if not (user.is_superuser or roles.has_role(user, roles.DCR_STAFF)):
        studies = studies.filter(team=user)
    return studies.order_by("lay_title")


def free_beds(start: datetime, end: datetime, *, ignore_booking: int | None = None) -> list[Bed]:
    """Beds with no booking overlapping [start, end), lowest number first."""
    taken = BedBooking.objects.filter(bed=OuterRef("pk"), status=BedBooking.Status.BOOKED,
                                      period__overlap=DateTimeTZRange(start, end))
    if ignore_booking is not None:
        taken = taken.exclude(pk=ignore_booking)
    return list(Bed.objects.filter(~Exists(taken)).order_by("number"))


def day_bounds(day: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    start = datetime.combine(day, datetime.min.time(), tzinfo=tz)
    return start, datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=tz)


def bed_board(day: date) -> list[tuple[Bed, list[BedBooking]]]:
    """The 18 beds and the bookings that hold them on ``day`` (two queries)."""
    start, end = day_bounds(day)
    bookings = (BedBooking.objects.filter(status=BedBooking.Status.BOOKED, period__overlap=DateTimeTZRange(start, end))
                .select_related("study").order_by("period"))
    beds = Bed.objects.order_by("number").prefetch_related(Prefetch("bookings", queryset=bookings, to_attr="that_day"))
    return [(bed, bed.that_day) for bed in beds]


@dataclass
class WeekRow:
    bed: Bed
    days: list[list[BedBooking]]  # the bookings that hold the bed on each day of the week


def bed_week(first_day: date, days: int = 7) -> list[WeekRow]:
    """The 18 beds over ``days`` days from ``first_day``: who holds each bed each day (two queries)."""
    start, _ = day_bounds(first_day)
    _, end = day_bounds(first_day + timedelta(days=days - 1))
    bookings = (BedBooking.objects.filter(status=BedBooking.Status.BOOKED, period__overlap=DateTimeTZRange(start, end))
                .select_related("study").order_by("period"))
    beds = Bed.objects.order_by("number").prefetch_related(Prefetch("bookings", queryset=bookings, to_attr="that_week"))
    bounds = [day_bounds(first_day + timedelta(days=offset)) for offset in range(days)]
    return [WeekRow(bed, [[b for b in bed.that_week if b.admission < day_end and b.discharge > day_start]
                          for day_start, day_end in bounds]) for bed in beds]
