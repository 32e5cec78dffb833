"""The stored search vector of studies: what the finder's full-text search reads.

Kept current by ``signals`` (a study saved, its conditions changed or renamed) and by the
bulk loaders, which call ``refresh_search_vectors`` once for all the studies they wrote.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.search import SearchVector
from django.db.models import OuterRef, Subquery, TextField, Value
from django.db.models.functions import Coalesce

from .models import Condition, Study


def refresh_search_vectors(study_ids: Iterable[int]) -> None:
    """Recompute the stored tsvector of studies (lay title A, conditions and keywords B, summary C).

    The 'english' configuration stems words, so "diabetic" and "diabetes" meet at "diabet".
    """
    condition_names = (
        Condition.objects.filter(studies=OuterRef("pk")).order_by().values("studies")
        .annotate(names=StringAgg("name", delimiter=" ")).values("names")
    )
    Study.objects.filter(pk__in=list(study_ids)).update(
        search_vector=SearchVector("lay_title", weight="A", config="english")
        + SearchVector(Coalesce(Subquery(condition_names), Value(""), output_field=TextField()), "keywords",
                       weight="B", config="english")
        + SearchVector("summary", weight="C", config="english")
        + SearchVector("title", weight="D", config="english")
    )
