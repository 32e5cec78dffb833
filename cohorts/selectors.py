"""Reads: a researcher's saved cohorts and access, the names of a question's concepts."""

from __future__ import annotations

import json
import zlib

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.utils.translation import get_language

from common import disclosure
from common.cache import VersionedCache
from ehr import selectors as concepts

from .models import BiobankAccess, SavedCohort
from .question import Question


def my_cohorts(user) -> QuerySet[SavedCohort]:
    return SavedCohort.objects.filter(owner=user).order_by("name")


def my_access(user) -> BiobankAccess | None:
    return BiobankAccess.objects.filter(user=user).first()


def described(question: Question) -> list[str]:
    """The question in words, with the concepts' names (one query)."""
    return question.describe(concepts.describe(question.keys()))


def concept_results(term: str) -> list[dict]:
    """Concept search for the builder: how many participants have each, protected as every count is."""
    return [{"key": c.key, "label": c.label, "system": c.system_label, "code": c.code, "display": c.display,
             "domain": c.domain,
             "participants": disclosure.text(disclosure.protected(f"concept:{c.key}", c.participant_count,
                                                                  zlib.crc32(c.key.encode())))}
            for c in concepts.search_concepts(term)]


def concept_search_entry(term: str) -> tuple[VersionedCache, str]:
    """Where the concept search's answer to ``term`` is kept (forgotten with every extract load)."""
    return concepts.SEARCHES, concepts.search_key(term, concepts.SEARCH_LIMIT, "json", get_language() or "")


def concept_search_body(term: str, read: tuple) -> bytes:
    """The concept search's JSON for ``term``; ``read``: its ``concept_search_entry`` as read from the cache."""
    body, version = read
    if body is None:
        body = json.dumps({"results": concept_results(term)}, cls=DjangoJSONEncoder).encode()
        concepts.SEARCHES.write(concept_search_entry(term)[1], version, body)
    return body


AGE_BANDS = [str(band) for band in range(0, 110, 10)]


def breakdown_rows(cells: dict | None) -> list[tuple[str, str, str]]:
    """(dimension, group, shown count) rows of a breakdown, every group of every dimension listed,
    so that a missing row never says "none"."""
    from biobank.models import SampleType, Sex

    if not cells:
        return []
    dimensions = [("sex", "Sex", list(Sex.choices)),
                  ("age", "Age today", [(band, f"{band}-{int(band) + 9}") for band in AGE_BANDS]),
                  ("sample_type", "Sample type available", list(SampleType.choices)),
                  ("genotyped", "Genotyped", [("true", "Yes"), ("false", "No")])]
    return [(title, label, disclosure.text(cells.get(kind, {}).get(key)))
            for kind, title, groups in dimensions for key, label in groups]
