"""The trial finder's filters (public) and the study team's interest-list filters."""

from __future__ import annotations

from datetime import timedelta

import django_filters
from django import forms
from django.contrib.postgres.search import SearchQuery
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import geocode, nearby
from .models import Interest, Study
from .registry_values import SEARCH_PHASES

FINDER_STATUSES = [(Study.Status.RECRUITING, _("Recruiting now")), (Study.Status.NOT_YET_RECRUITING, _("Opening soon"))]
# A person picks one phase; a combined-phase study (Phase 1/Phase 2) is found under both.
PHASE_CHOICES = [(phase.value, phase.label) for phase in SEARCH_PHASES]
DISTANCE_CHOICES = [(10, _("10 miles")), (25, _("25 miles")), (50, _("50 miles")), (100, _("100 miles")),
                    (250, _("250 miles"))]
DEFAULT_DISTANCE = 50
SORT_CHOICES = [("relevance", _("Best match")), ("newest", _("Newest first")), ("nearest", _("Nearest first"))]
SEX_CHOICES = [(Study.Sex.FEMALE, _("Female")), (Study.Sex.MALE, _("Male"))]


def search_query(text: str) -> SearchQuery:
    """What a person typed, as a PostgreSQL query; 'english' stems it like the stored vectors."""
    return SearchQuery(text, config="english", search_type="websearch")


class AgeFilter(django_filters.Filter):
    field_class = forms.IntegerField


class FlagFilter(django_filters.Filter):
    """A tick box: ticked narrows the list, unticked leaves it alone."""

    field_class = forms.BooleanField


class PlaceField(forms.CharField):
    """A US ZIP code or city, found in the offline table (``geocode``): cleans to a Place."""

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return None
        try:
            return geocode.locate(text)
        except geocode.PlaceNotFound as error:
            raise forms.ValidationError(str(error), code="unknown_place") from error


class PlaceFilter(django_filters.Filter):
    field_class = PlaceField


class FinderForm(forms.Form):
    def clean(self):
        data = super().clean()
        if data.get("sort") == "nearest" and not data.get("near") and "near" not in self.errors:
            self.add_error("near", _("Enter a US ZIP code or a city to sort the studies by distance."))
        return data


class StudyFinderFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_text", label=_("Search"), max_length=200)
    condition = django_filters.CharFilter(method="filter_nothing", label=_("Condition"), max_length=120)
    phase = django_filters.ChoiceFilter(choices=PHASE_CHOICES, method="filter_nothing", label=_("Phase"))
    age = AgeFilter(method="filter_age", label=_("Your age"), min_value=0, max_value=120,
                    error_messages={"min_value": _("Enter an age from 0 to 120."),
                                    "max_value": _("Enter an age from 0 to 120."),
                                    "invalid": _("Enter your age as a whole number of years, e.g. 42.")})
    sex = django_filters.ChoiceFilter(choices=SEX_CHOICES, method="filter_nothing", label=_("Sex"))
    healthy = FlagFilter(method="filter_nothing", label=_("Accepts healthy volunteers"))
    trc = FlagFilter(method="filter_nothing", label=_("Includes a stay at the Translational Research Center"))
    center = django_filters.CharFilter(method="filter_nothing", label=_("Centre or unit"), max_length=200)
    status = django_filters.ChoiceFilter(choices=FINDER_STATUSES, method="filter_nothing", label=_("Recruitment"))
    near = PlaceFilter(method="filter_near", label=_("Near (US ZIP code or city)"), max_length=80)
    distance = django_filters.TypedChoiceFilter(choices=DISTANCE_CHOICES, coerce=int, method="filter_nothing",
                                                label=_("Within"))
    sort = django_filters.ChoiceFilter(choices=SORT_CHOICES, method="filter_nothing", label=_("Sort"))

    class Meta:
        model = Study
        fields: list[str] = []
        form = FinderForm

    # Filters whose options show a count of matching studies. ``qs`` narrows by the words, the age
    # and the place only: these groups are matched and counted on its rows by ``facets``.
    FACETS = ("condition", "phase", "sex", "healthy", "trc", "center", "status")

    def filter_text(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(search_vector=search_query(value)) if value else queryset

    def filter_near(self, queryset, name, value):
        return nearby.within(queryset, value, self.form.cleaned_data.get("distance") or DEFAULT_DISTANCE)

    def filter_nothing(self, queryset, name, value):
        """Read by the finder, not a filter in SQL: the distance by ``filter_near``, the sort for the
        order, the groups of ``FACETS`` by ``facets.count`` (with their counts)."""
        return queryset

    def filter_age(self, queryset, name, value):
        # No minimum or no maximum means no limit on that side.
        return queryset.filter(Q(min_age__isnull=True) | Q(min_age__lte=value),
                               Q(max_age__isnull=True) | Q(max_age__gte=value))


AGE_BANDS = {
    "today": ("Today", 0, 1),
    "week": ("1 to 7 days", 1, 8),
    "month": ("8 to 30 days", 8, 31),
    "older": ("More than 30 days", 31, None),
}


def received_between(queryset, band: str):
    """Inquiries whose age (days since received) falls in ``band`` of ``AGE_BANDS``."""
    if band not in AGE_BANDS:
        return queryset
    _, youngest, oldest = AGE_BANDS[band]
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    queryset = queryset.filter(created_at__lt=today - timedelta(days=youngest - 1)) if youngest else queryset
    if oldest is not None:
        queryset = queryset.filter(created_at__gte=today - timedelta(days=oldest - 1))
    return queryset


class InterestListFilter(django_filters.FilterSet):
    """The study team's list of one study's inquiries."""

    status = django_filters.ChoiceFilter(choices=Interest.Status.choices, label="Status", empty_label="Any status")
    received = django_filters.ChoiceFilter(
        choices=[(key, label) for key, (label, _, _) in AGE_BANDS.items()], method="filter_received",
        label="Received", empty_label="Any time")

    class Meta:
        model = Interest
        fields: list[str] = []

    def filter_received(self, queryset, name, value):
        return received_between(queryset, value)
