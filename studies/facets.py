"""The finder's filter groups ("facets") and their counts, from one query.

The words, the age and the place narrow the studies in SQL (``filters.StudyFinderFilter``). That
query returns one short row per study still in the running, already in the order asked for (the
rank of the words, the distance, the title ...), with what the filter groups look at: phase,
status, sex, the two flags, the centre and the conditions. Then, in Python, over those rows:

- the results are the rows that pass every chosen option;
- each group counts, for each of its options, the rows that pass the choices of the *other*
  groups (a group's own choice does not narrow its counts, so a person sees what switching
  would give).

A finder of 1,000 studies is a thousand small tuples: counting them is a few milliseconds, where
a count query per group (seven of them, each repeating the search) cost most of a first visit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import CharField, OuterRef, QuerySet, Value
from django.db.models.functions import Concat
from django.utils.functional import Promise

from .filters import FINDER_STATUSES, PHASE_CHOICES, SEX_CHOICES
from .models import Condition, Study
from .registry_values import PHASE_MATCHES


@dataclass
class FacetOption:
    value: str
    label: str | Promise
    count: int
    selected: bool


class FacetRow(NamedTuple):
    """What the filter groups need of one study."""

    pk: int
    phase: str
    status: str
    sex: str
    healthy: bool
    trc: bool
    center_slug: str
    center_name: str
    condition_slugs: list[str]
    condition_names: list[str]


_SEPARATOR = "\x1f"  # between a condition's slug and name (a control character: in neither)


def facet_rows(queryset: QuerySet[Study]) -> list[FacetRow]:
    """The rows of ``queryset`` (filtered and ordered by the caller), in one query.

    Each study's conditions come as one array of "slug<US>name" (one subquery per row, not two)."""
    pairs = (Condition.objects.filter(studies=OuterRef("pk")).order_by("slug")
             .annotate(pair=Concat("slug", Value(_SEPARATOR), "name", output_field=CharField())).values("pair"))
    rows = queryset.values_list("pk", "phase", "status", "sex", "healthy_volunteers", "trc_inpatient", "center__slug",
                                "center__name", ArraySubquery(pairs))
    result = []
    for *fields, conditions in rows:
        split = [pair.split(_SEPARATOR, 1) for pair in conditions]
        result.append(FacetRow(*fields, [slug for slug, _ in split], [name for _, name in split]))
    return result


# What a chosen option of each group keeps. The groups whose options overlap say which options a
# study counts under: a Phase 1/Phase 2 study under Phase 1 and Phase 2, a study open to all
# under both sexes.
_PHASE_OPTIONS: dict[str, list[str]] = {}
for _option, _phases in PHASE_MATCHES.items():
    for _phase in _phases:
        _PHASE_OPTIONS.setdefault(str(_phase), []).append(str(_option))
_SEX_OPTIONS = {str(Study.Sex.ALL): [str(value) for value, _ in SEX_CHOICES]} | {
    str(value): [str(value)] for value, _ in SEX_CHOICES}

OPTIONS_OF: dict[str, Callable[[FacetRow], list[str]]] = {
    "condition": lambda row: row.condition_slugs,
    "phase": lambda row: _PHASE_OPTIONS.get(row.phase, []),
    "sex": lambda row: _SEX_OPTIONS.get(row.sex, []),
    "healthy": lambda row: ["on"] if row.healthy else [],
    "trc": lambda row: ["on"] if row.trc else [],
    "center": lambda row: [row.center_slug],
    "status": lambda row: [row.status],
}


@dataclass
class Faceted:
    results: list[int]  # the ids of the rows that pass every choice, in the rows' order
    facets: dict[str, list[FacetOption]]


def count(rows: list[FacetRow], chosen: dict[str, str]) -> Faceted:
    """The results and every group's options with their counts. ``chosen``: group -> the option
    chosen ("on" for a ticked flag); groups with no choice are left out."""
    tallies: dict[str, dict[str, int]] = {group: {} for group in OPTIONS_OF}
    names: dict[str, dict[str, str]] = {"condition": {}, "center": {}}
    results = []
    for row in rows:
        options = {group: options_of(row) for group, options_of in OPTIONS_OF.items()}
        failed = [group for group, value in chosen.items() if value not in options[group]]
        if len(failed) > 1:
            continue  # two choices exclude it: no option of any group would bring it back
        if not failed:
            results.append(row.pk)
        for group in failed or OPTIONS_OF:
            tally = tallies[group]
            for option in options[group]:
                tally[option] = tally.get(option, 0) + 1
        if not failed or failed[0] == "condition":
            names["condition"].update(zip(row.condition_slugs, row.condition_names))
        if not failed or failed[0] == "center":
            names["center"][row.center_slug] = row.center_name
    facets = {
        "condition": _grouped(names["condition"], tallies["condition"], chosen.get("condition", "")),
        "center": _grouped(names["center"], tallies["center"], chosen.get("center", "")),
        "phase": _options(PHASE_CHOICES, tallies["phase"], chosen.get("phase", "")),
        "sex": _options(SEX_CHOICES, tallies["sex"], chosen.get("sex", "")),
        "status": _options(FINDER_STATUSES, tallies["status"], chosen.get("status", "")),
        "healthy": [FacetOption("on", "", tallies["healthy"].get("on", 0), "healthy" in chosen)],
        "trc": [FacetOption("on", "", tallies["trc"].get("on", 0), "trc" in chosen)],
    }
    return Faceted(results=results, facets=facets)


def _options(choices, counts: dict[str, int], selected: str) -> list[FacetOption]:
    return [FacetOption(str(value), label, counts.get(str(value), 0), str(value) == selected)
            for value, label in choices]


def _grouped(names: dict[str, str], counts: dict[str, int], selected: str) -> list[FacetOption]:
    """Options of a related model (condition, centre) that the studies have, by name, with their counts."""
    options = [FacetOption(slug, name, counts.get(slug, 0), slug == selected)
               for slug, name in sorted(names.items(), key=lambda pair: (pair[1], pair[0]))]
    if selected and not any(option.selected for option in options):
        options.append(FacetOption(selected, selected.replace("-", " ").capitalize(), 0, True))
    return options
