"""What a public study page shows, gathered from a study loaded by ``selectors.public_study``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ObjectDoesNotExist
from django.utils import formats
from django.utils.translation import get_language, gettext, ngettext

from . import rich_text
from .models import Location, RegistryRecord, SpanishText, Study
from .registry_values import DateType, label_of


def registry_or_none(study: Study) -> RegistryRecord | None:
    try:
        return study.registry
    except ObjectDoesNotExist:
        return None


def spanish_or_none(study: Study) -> SpanishText | None:
    try:
        return study.spanish
    except ObjectDoesNotExist:
        return None


def registry_date(value: str) -> str:
    """ "2028-06" -> "June 2028", "2025-03-14" -> "14 March 2025", in the page's language."""
    if not value:
        return ""
    try:
        if len(value) == 7:
            return formats.date_format(date.fromisoformat(f"{value}-01"), "YEAR_MONTH_FORMAT")
        return formats.date_format(date.fromisoformat(value), "DATE_FORMAT")
    except ValueError:
        return value


@dataclass
class Sites:
    """Our site first, then the others, counted for "also at N other sites in K countries"."""

    ours: list[Location] = field(default_factory=list)
    others: list[Location] = field(default_factory=list)

    @property
    def other_countries(self) -> int:
        return len({site.country for site in self.others if site.country})

    @property
    def also_text(self) -> str:
        """ "Also at 9 other sites in 5 countries"."""
        n, k = len(self.others), self.other_countries
        sites = ngettext("%(n)s other site", "%(n)s other sites", n) % {"n": n}
        if not k:
            return gettext("Also at %(sites)s") % {"sites": sites}
        countries = ngettext("%(k)s country", "%(k)s countries", k) % {"k": k}
        return gettext("Also at %(sites)s in %(countries)s") % {"sites": sites, "countries": countries}

    def by_country(self) -> list[tuple[str, list[Location]]]:
        groups: dict[str, list[Location]] = {}
        for site in self.others:
            groups.setdefault(site.country or gettext("Country not given"), []).append(site)
        return sorted(groups.items())


@dataclass
class StudyPage:
    study: Study
    registry: RegistryRecord | None
    sites: Sites
    lay_title: str
    summary: str
    eligibility: rich_text.Eligibility
    # True on a Spanish page of a study whose own text has no Spanish version yet.
    text_in_english_only: bool = False

    @property
    def age_range(self) -> str:
        return self.registry.age_range if self.registry and (self.registry.minimum_age or self.registry.maximum_age) \
            else self.study.age_range

    @property
    def dates(self) -> list[tuple[str, str]]:
        record = self.registry
        if record is None:
            return []
        rows = []
        for label, value, kind in (
            (gettext("Start"), record.start_date, record.start_date_type),
            (gettext("Main results expected"), record.primary_completion_date, record.primary_completion_date_type),
            (gettext("End"), record.completion_date, record.completion_date_type),
        ):
            if value:
                when = registry_date(value)
                rows.append((label, f"{when} ({label_of(DateType, kind)})" if kind else when))
        for label, value in ((gettext("First posted"), record.first_posted),
                             (gettext("Last updated on ClinicalTrials.gov"), record.last_update_posted)):
            if value:
                rows.append((label, formats.date_format(value, "DATE_FORMAT")))
        return rows


def study_page(study: Study) -> StudyPage:
    locations = list(study.locations.all())
    sites = Sites(ours=[site for site in locations if site.is_ours],
                  others=[site for site in locations if not site.is_ours])
    spanish = spanish_or_none(study) if (get_language() or "").startswith("es") else None
    lay_title, summary, eligibility = study.lay_title, study.summary, study.eligibility
    if spanish is not None:
        lay_title, summary = spanish.lay_title, spanish.summary
        eligibility = spanish.eligibility or eligibility
    return StudyPage(study=study, registry=registry_or_none(study), sites=sites, lay_title=lay_title,
                     summary=summary, eligibility=rich_text.split_eligibility(eligibility),
                     text_in_english_only=(get_language() or "").startswith("es") and spanish is None)
