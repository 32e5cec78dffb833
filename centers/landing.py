"""The division's public landing pages."""

from django.shortcuts import render

from centers import selectors as center_selectors


def home(request):
    counts = center_selectors.center_counts()
    return render(request, "home.html", {"center_count": counts["centers"], "unit_count": counts["units"]})


def for_patients(request):
    return render(request, "pages/for_patients.html")


def for_researchers(request):
    return render(request, "pages/for_researchers.html", {"services": center_selectors.active_services()})
