"""The division's public landing pages."""

from django.shortcuts import render

from centers.models import Center, Service


def home(request):
    return render(request, "home.html", {
        "center_count": Center.objects.filter(active=True, kind=Center.Kind.CENTER).count(),
        "unit_count": Center.objects.filter(active=True, kind=Center.Kind.UNIT).count(),
    })


def for_patients(request):
    return render(request, "pages/for_patients.html")


def for_researchers(request):
    services = Service.objects.filter(active=True).select_related("center")
    return render(request, "pages/for_researchers.html", {"services": services})
