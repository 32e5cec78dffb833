from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from . import pricing, selectors
from .models import Center

DIRECTORY_PAGE_SIZE = 30


def directory(request):
    query = selectors.clean_query(request.GET.get("q", ""))
    kind = request.GET.get("kind", "")
    if kind not in Center.Kind.values:
        kind = ""
    page = Paginator(selectors.directory(query=query, kind=kind), DIRECTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "centers/directory.html", {
        "page": page, "query": query, "kind": kind, "kinds": Center.Kind.choices,
    })


def center_detail(request, slug: str):
    center = get_object_or_404(Center, slug=slug, active=True)
    return render(request, "centers/center_detail.html", {
        "center": center, "services": selectors.services_of(center),
    })


def service_detail(request, slug: str):
    service = get_object_or_404(pricing.with_rates(selectors.active_services()), slug=slug)
    return render(request, "centers/service_detail.html", {
        "service": service, "prices": pricing.price_list(service),
    })


def service_list(request):
    return render(request, "centers/service_list.html", {"services": selectors.active_services()})
