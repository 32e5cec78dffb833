"""/fhir/ResearchStudy: read one public study, or search public studies by status."""

from __future__ import annotations

import json
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponse
from django.utils import translation
from django.views.decorators.http import require_GET

from . import fhir

FHIR_JSON = "application/fhir+json; charset=utf-8"
MAX_COUNT = 100


def english(view):
    """FHIR resources are the same whatever language the client's browser prefers."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        with translation.override("en"):
            return view(request, *args, **kwargs)

    return wrapper


def _respond(payload: dict, status: int = 200) -> HttpResponse:
    return HttpResponse(json.dumps(payload, ensure_ascii=False), content_type=FHIR_JSON, status=status)


@require_GET
@english
def research_study(request, pk: str):
    # ASCII digits only: str.isdigit() also accepts "²", which is not a number to the database.
    study = fhir.published_studies().filter(pk=pk).first() if pk.isascii() and pk.isdigit() else None
    if study is None:
        return _respond(fhir.operation_outcome("not-found", f"ResearchStudy/{pk} is not known"), status=404)
    return _respond(fhir.research_study(study))


@require_GET
@english
def research_study_search(request):
    studies = fhir.published_studies().order_by("pk")
    statuses = [code.strip() for value in request.GET.getlist("status") for code in value.split(",") if code.strip()]
    unknown = [code for code in statuses if code not in fhir.R4_STATUS_CODES]
    if unknown:
        return _respond(fhir.operation_outcome(
            "invalid", f"status must be a research-study-status code; unknown: {', '.join(unknown)}"), status=400)
    if statuses:
        studies = studies.filter(status__in=[ours for code in statuses for ours in fhir.FHIR_TO_STATUSES.get(code, [])])
    try:
        count = min(max(int(request.GET.get("_count", "20")), 1), MAX_COUNT)
        page = max(int(request.GET.get("page", "1")), 1)
    except ValueError:
        return _respond(fhir.operation_outcome("invalid", "_count and page must be whole numbers"), status=400)
    total = studies.count()
    offset = (page - 1) * count
    # A page past the end is empty (and an offset beyond bigint never reaches the database).
    chosen = list(studies[offset: offset + count]) if offset < total else []
    query = {"_count": count, **({"status": ",".join(statuses)} if statuses else {})}
    base = f"{settings.SITE_URL}/fhir/ResearchStudy"
    self_url = f"{base}?{urlencode({**query, 'page': page})}"
    next_url = f"{base}?{urlencode({**query, 'page': page + 1})}" if page * count < total else None
    return _respond(fhir.search_bundle(chosen, total=total, self_url=self_url, next_url=next_url))
