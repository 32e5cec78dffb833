"""Reads of centres and services: the public directory, service lists, staff memberships."""

from __future__ import annotations

import re

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet

from .models import Center, Service

# Longer search text is cut: nobody types more, and it keeps the tsquery small.
MAX_QUERY_LENGTH = 200
# NUL cannot be sent to PostgreSQL; other control characters only make matching worse.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def clean_query(query: str) -> str:
    """What a person typed in the search box, made safe to hand to PostgreSQL."""
    query = " ".join(_CONTROL_CHARACTERS.sub(" ", query or "").split())
    if len(query) > MAX_QUERY_LENGTH:
        # Cut at a word boundary: half a word would match nothing.
        query = query[:MAX_QUERY_LENGTH + 1].rsplit(" ", 1)[0] if " " in query[:MAX_QUERY_LENGTH] \
            else query[:MAX_QUERY_LENGTH]
    return query.strip()


def directory(*, query: str = "", kind: str = "") -> QuerySet[Center]:
    """Active centres and units for the public directory, best matches first when searching.

    A centre matches when its name, mission or description match the words (full text,
    stemmed: "budgets" finds "budgeting"), when its name contains the text, or when one of
    its active services is named so. ``service_count`` counts its active services.
    """
    centers = Center.objects.filter(active=True)
    if kind in Center.Kind.values:
        centers = centers.filter(kind=kind)
    query = clean_query(query)
    if query:
        search = SearchQuery(query, config="english", search_type="websearch")
        # EXISTS rather than a join, so the service count below is not multiplied by matches.
        offers_service = Exists(
            Service.objects.filter(center=OuterRef("pk"), active=True, name__icontains=query)
        )
        centers = (
            centers.filter(Q(search_vector=search) | Q(name__icontains=query) | offers_service)
            .annotate(rank=SearchRank(F("search_vector"), search))
            .order_by("-rank", "name")
        )
    else:
        # Centres first, then units, each by name (Meta.ordering is dropped once the count groups rows).
        centers = centers.order_by("kind", "name")
    return centers.annotate(service_count=Count("services", filter=Q(services__active=True)))


def active_services() -> QuerySet[Service]:
    """Services a researcher can ask for: active, offered by an active centre or unit."""
    return Service.objects.filter(active=True, center__active=True).select_related("center")


def services_of(center: Center) -> QuerySet[Service]:
    return center.services.filter(active=True)


def center_counts() -> dict[str, int]:
    """How many active centres and units the division has, in one query."""
    return Center.objects.filter(active=True).aggregate(
        centers=Count("pk", filter=Q(kind=Center.Kind.CENTER)),
        units=Count("pk", filter=Q(kind=Center.Kind.UNIT)),
    )


def center_ids_for(user) -> list[int]:
    """The centres a staff member works for."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(user.memberships.values_list("center_id", flat=True))
