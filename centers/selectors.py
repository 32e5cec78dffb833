from __future__ import annotations

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import Count, F, Q, QuerySet

from .models import Center, Service


def directory(*, query: str = "", kind: str = "") -> QuerySet[Center]:
    """Active centres and units for the public directory, best matches first when searching."""
    centers = Center.objects.filter(active=True).annotate(
        service_count=Count("services", filter=Q(services__active=True))
    )
    if kind in Center.Kind.values:
        centers = centers.filter(kind=kind)
    query = query.strip()
    if query:
        search = SearchQuery(query, config="english", search_type="websearch")
        centers = (
            centers.filter(Q(search_vector=search) | Q(name__icontains=query) | Q(services__name__icontains=query))
            .annotate(rank=SearchRank(F("search_vector"), search))
            .distinct()
            .order_by("-rank", "name")
        )
    return centers


def center_ids_for(user) -> list[int]:
    """The centres a staff member works for."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(user.memberships.values_list("center_id", flat=True))


def active_services() -> QuerySet[Service]:
    return Service.objects.filter(active=True).select_related("center")
