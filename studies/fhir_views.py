"""/fhir: read one public study, search public studies, and the server's CapabilityStatement."""

from __future__ import annotations

import json
from functools import wraps

from django.http import HttpResponse
from django.utils import translation
from django.views.decorators.http import require_GET

from . import fhir, fhir_search

FHIR_JSON = "application/fhir+json; charset=utf-8"


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
def metadata(request):
    return _respond(fhir_search.capability_statement())


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
    try:
        search = fhir_search.parse(request.GET)
    except fhir_search.SearchError as error:
        return _respond(fhir.operation_outcome("invalid", str(error)), status=400)
    return _respond(fhir_search.bundle(search))
