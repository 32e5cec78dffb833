"""Reads of the concept dictionary: search as one types, and the concepts a criterion stands for."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q

from common.cache import VersionedCache

from .models import CodeSystem, Concept

SEARCH_LIMIT = 20
# What a person types to mean a code rather than words: "E11", "E11.9", "4548-4", "44054006".
CODE_LIKE = re.compile(r"^[A-Za-z]?\d[\w.\-]*$|^[A-Za-z]\d\d[\w.]*$")
# Codes that stand for their descendants, matched by prefix (E11 finds E11.9).
PREFIX_SYSTEMS = frozenset({CodeSystem.ICD10CM})


@dataclass(frozen=True)
class ConceptChoice:
    """A concept a criterion may name: one code, or an ICD-10-CM code and its subcodes."""

    system: str
    code: str
    display: str
    domain: str
    participant_count: int
    descendants: bool = False

    @property
    def key(self) -> str:
        return f"{self.system}:{self.code}"

    @property
    def system_label(self) -> str:
        return dict(CodeSystem.choices).get(self.system, self.system)

    @property
    def label(self) -> str:
        more = " and its subcodes" if self.descendants else ""
        return f"{self.system_label} {self.code}{more}: {self.display}".rstrip(": ")


def _choice(concept: Concept) -> ConceptChoice:
    return ConceptChoice(concept.system, concept.code, concept.display, concept.domain, concept.participant_count)


# The dictionary changes only when an extract is loaded (``concepts_changed``): each term typed is
# answered once per load, then from the cache (a key typed is one request).
SEARCHES = VersionedCache("ehr:concept-search", timeout=3600)


def concepts_changed() -> None:
    """Forget every stored search (the loads call it; again once their transaction commits)."""
    SEARCHES.invalidate()


def search_key(term: str, limit: int = SEARCH_LIMIT, *parts: str) -> str:
    """The key of a term's answer in ``SEARCHES`` (``parts``: what else the stored form depends on)."""
    term = " ".join((term or "").split())[:100]
    return SEARCHES.key(limit, *parts, hashlib.sha256(term.upper().encode()).hexdigest())  # what was typed: any text


def search_concepts(term: str, limit: int = SEARCH_LIMIT) -> list[ConceptChoice]:
    """Concepts whose code starts with ``term`` or whose name holds it, the most common first.

    An ICD-10-CM category typed as a code ("E11") comes first as itself and its subcodes."""
    term = " ".join((term or "").split())[:100]
    if len(term) < 2:
        return []
    key = search_key(term, limit)
    found, version = SEARCHES.read(key)
    if found is None:
        found = _search(term, limit)
        SEARCHES.write(key, version, found)
    return found


def _search(term: str, limit: int) -> list[ConceptChoice]:
    upper = term.upper()
    looks_like_code = bool(CODE_LIKE.match(term))
    # icontains / istartswith are UPPER(column) LIKE UPPER(term): the trigram and prefix indexes serve them.
    query = Q(display__icontains=term)
    if looks_like_code:
        query |= Q(code__istartswith=term)
    concepts = Concept.objects.filter(query).order_by("-participant_count", "system", "code")[:limit]
    choices = [_choice(c) for c in concepts]
    if looks_like_code:
        family = [c for c in choices if c.system in PREFIX_SYSTEMS and c.code.upper().startswith(upper)]
        if family and not any(c.code.upper() == upper and c.system in PREFIX_SYSTEMS for c in choices):
            head = family[0]
            choices.insert(0, ConceptChoice(head.system, upper, f"{head.display} (and the other {upper}* codes)",
                                            head.domain, max(c.participant_count for c in family), descendants=True))
        choices = [ConceptChoice(c.system, c.code, c.display, c.domain, c.participant_count,
                                 descendants=c.descendants or (c.system in PREFIX_SYSTEMS and c.code.upper() == upper))
                   for c in choices]
    return choices[:limit]


def concept_ids(keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], list[int]]:
    """{(system, code): [concept ids]} for criteria, in one query; ICD-10-CM codes take their subcodes."""
    keys = list(dict.fromkeys(keys))
    if not keys:
        return {}
    query = Q(pk__in=[])
    for system, code in keys:
        if system in PREFIX_SYSTEMS:
            query |= Q(system=system, code__istartswith=code)
        else:
            query |= Q(system=system, code=code)
    found: dict[tuple[str, str], list[int]] = {key: [] for key in keys}
    for pk, system, code in Concept.objects.filter(query).values_list("pk", "system", "code"):
        for key in keys:
            if key[0] == system and (code == key[1] or (system in PREFIX_SYSTEMS
                                                        and code.upper().startswith(key[1].upper()))):
                found[key].append(pk)
    return found


def describe(keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """The display name of each (system, code), for people reading a question."""
    keys = list(keys)
    query = Q(pk__in=[])
    for system, code in keys:
        query |= Q(system=system, code=code)
    names = {(s, c): d for s, c, d in Concept.objects.filter(query).values_list("system", "code", "display")}
    return {key: names.get(key, "") for key in keys}
