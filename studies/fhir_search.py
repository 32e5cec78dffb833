"""FHIR search on ResearchStudy (_id, status, title, keyword, condition, _count, page) and the
CapabilityStatement that announces it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Q, QuerySet

from . import fhir

MAX_COUNT = 100
DEFAULT_COUNT = 20
SEARCH_PARAMS = [
    ("_id", "token", "The study's id on this server (comma separated for several)."),
    ("status", "token", "research-study-status code, e.g. active (comma separated for several)."),
    ("title", "string", "Start of the official title (title:contains for any part, title:exact for all of it)."),
    ("keyword", "token", "One of the study's keywords, e.g. gene therapy."),
    ("condition", "token", "A condition the study is about, by name (case does not matter)."),
    ("_count", "number", f"Studies per page (1 to {MAX_COUNT}, default {DEFAULT_COUNT})."),
]
TITLE_KEYS = ("title", "title:contains", "title:exact")


class SearchError(ValueError):
    """A search parameter that cannot be used; the message names it."""


@dataclass
class Search:
    studies: QuerySet
    count: int
    page: int
    kept: dict[str, str] = field(default_factory=dict)  # the parameters, as the links repeat them


def _values(params, name: str) -> list[str]:
    return [part.strip() for value in params.getlist(name) for part in value.split(",") if part.strip()]


def _whole_number(params, name: str, default: int) -> int:
    value = params.get(name, "")
    if not value:
        return default
    if not (value.isascii() and value.isdigit()):
        raise SearchError(f"{name} must be a whole number, not “{value}”")
    return int(value)


def parse(params) -> Search:
    """The studies a search asks for, or SearchError naming the parameter."""
    unknown = sorted(set(params) - {name for name, _, _ in SEARCH_PARAMS} - set(TITLE_KEYS) - {"page", "_format"})
    if unknown:
        raise SearchError(f"unknown search parameter(s): {', '.join(unknown)}")
    studies = fhir.published_studies().order_by("pk")
    kept: dict[str, str] = {}
    ids = _values(params, "_id")
    if ids:
        if not all(value.isascii() and value.isdigit() for value in ids):
            raise SearchError("_id must be study ids (whole numbers)")
        studies, kept["_id"] = studies.filter(pk__in=[int(value) for value in ids]), ",".join(ids)
    statuses = _values(params, "status")
    if statuses:
        unknown = [code for code in statuses if code not in fhir.R4_STATUS_CODES]
        if unknown:
            raise SearchError(f"status must be a research-study-status code; unknown: {', '.join(unknown)}")
        ours = [value for code in statuses for value in fhir.FHIR_TO_STATUSES.get(code, [])]
        studies, kept["status"] = studies.filter(status__in=ours), ",".join(statuses)
    for key in TITLE_KEYS:
        text = params.get(key, "").strip()
        if text:
            lookup = {"title": "title__istartswith", "title:contains": "title__icontains",
                      "title:exact": "title__exact"}[key]
            studies, kept[key] = studies.filter(**{lookup: text}), text
    keywords = _values(params, "keyword")
    if keywords:
        pattern = "|".join(rf"(^|,)\s*{re.escape(word)}\s*(,|$)" for word in keywords)
        studies, kept["keyword"] = studies.filter(keywords__iregex=pattern), ",".join(keywords)
    conditions = _values(params, "condition")
    if conditions:
        match = Q()
        for name in conditions:
            match |= Q(conditions__name__iexact=name) | Q(conditions__slug=name.lower())
        studies = studies.filter(pk__in=fhir.Study.objects.filter(match).values("pk"))
        kept["condition"] = ",".join(conditions)
    count = min(max(_whole_number(params, "_count", DEFAULT_COUNT), 1), MAX_COUNT)
    page = max(_whole_number(params, "page", 1), 1)
    return Search(studies=studies, count=count, page=page, kept=kept)


def bundle(search: Search) -> dict[str, Any]:
    """The searchset Bundle of one page, with self, first, previous, next and last links."""
    base = f"{settings.SITE_URL}/fhir/ResearchStudy"
    total = search.studies.count()
    offset = (search.page - 1) * search.count
    # A page past the end is empty (and an offset beyond bigint never reaches the database).
    chosen = list(search.studies[offset: offset + search.count]) if offset < total else []
    last = max((total + search.count - 1) // search.count, 1)

    def url(page: int) -> str:
        return f"{base}?{urlencode({**search.kept, '_count': search.count, 'page': page})}"

    links = [("self", search.page), ("first", 1)]
    if 1 < search.page <= last + 1:
        links.append(("previous", search.page - 1))
    if search.page < last:
        links.append(("next", search.page + 1))
    links.append(("last", last))
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": total,
        "link": [{"relation": relation, "url": url(page)} for relation, page in links],
        "entry": [{"fullUrl": f"{base}/{study.pk}", "resource": fhir.research_study(study),
                   "search": {"mode": "match"}} for study in chosen],
    }


def capability_statement() -> dict[str, Any]:
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": "2026-12-01",
        "publisher": "Division of Clinical Research",
        "kind": "instance",
        "software": {"name": "DCR Portal"},
        "implementation": {"description": "Public studies of the Division of Clinical Research",
                           "url": f"{settings.SITE_URL}/fhir"},
        "fhirVersion": "4.0.1",
        "format": ["json"],
        "rest": [{
            "mode": "server",
            "documentation": "Read-only: the studies shown in the public trial finder. No patient data.",
            "resource": [{
                "type": "ResearchStudy",
                "interaction": [{"code": "read"}, {"code": "search-type"}],
                "searchParam": [{"name": name, "type": kind, "documentation": text}
                                for name, kind, text in SEARCH_PARAMS],
            }],
        }],
    }
