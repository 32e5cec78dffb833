"""Studies near a place: the distance to each study's nearest site, in SQL, and that site for a page."""

from __future__ import annotations

from django.db.models import F, FilteredRelation, FloatField, Min, Q, QuerySet, Value
from django.db.models.functions import ASin, Cos, Least, Power, Radians, Sin, Sqrt

from .geocode import EARTH_RADIUS_MILES, Place, bounding_box, miles_between
from .models import Location, Study


def _miles_from(place: Place, prefix: str = ""):
    """Haversine from ``place`` to a Location row's point (``prefix``: the path to it), as a database expression."""
    phi0 = Value(place.latitude, output_field=FloatField())
    lambda0 = Value(place.longitude, output_field=FloatField())
    latitude, longitude = F(f"{prefix}latitude"), F(f"{prefix}longitude")
    half_dphi = (Radians(latitude) - Radians(phi0)) / 2
    half_dlambda = (Radians(longitude) - Radians(lambda0)) / 2
    a = Power(Sin(half_dphi), 2) + Cos(Radians(phi0)) * Cos(Radians(latitude)) * Power(Sin(half_dlambda), 2)
    return 2 * EARTH_RADIUS_MILES * ASin(Least(Sqrt(a), Value(1.0, output_field=FloatField())))


def sites_near(place: Place, miles: float) -> QuerySet[Location]:
    """The sites inside the bounding box of ``place`` (what a page needs to name each study's nearest)."""
    south, north, west, east = bounding_box(place, miles)
    return Location.objects.filter(latitude__range=(south, north), longitude__range=(west, east))


def within(queryset: QuerySet[Study], place: Place, miles: float) -> QuerySet[Study]:
    """Studies with a site within ``miles`` of ``place``, annotated with ``distance_miles`` to the nearest.

    The study's sites inside the bounding box (location_point_idx, location_study_idx) are joined
    and the smallest distance kept (GROUP BY the study, HAVING it within ``miles``): the nearest site
    of a study within ``miles`` is one of them. One pass over the sites in the box, measured once;
    a subquery per study (its sites sorted by distance) and a second pass for the filter cost
    three times as much.
    """
    south, north, west, east = bounding_box(place, miles)
    boxed = FilteredRelation("locations", condition=Q(locations__latitude__range=(south, north),
                                                      locations__longitude__range=(west, east)))
    return (queryset.alias(sites_in_box=boxed).annotate(distance_miles=Min(_miles_from(place, "sites_in_box__")))
            .filter(distance_miles__lte=miles))


def by_distance(queryset: QuerySet[Study], place: Place, miles: float) -> QuerySet[Study]:
    """``queryset`` (studies ``within`` ``miles``, as the finder's filter makes them), nearest first."""
    if "distance_miles" not in queryset.query.annotations:
        queryset = within(queryset, place, miles)
    return queryset.order_by(F("distance_miles").asc(nulls_last=True), "lay_title", "pk")


def mark_nearest_sites(studies: list[Study], place: Place) -> None:
    """Give each study (with its ``locations`` prefetched) ``nearest_site`` and ``nearest_miles``."""
    for study in studies:
        located = [(miles_between(place.latitude, place.longitude, site.latitude, site.longitude), site)
                   for site in study.locations.all() if site.latitude is not None]
        if located:
            study.nearest_miles, study.nearest_site = min(located, key=lambda pair: pair[0])
