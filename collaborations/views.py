from django.shortcuts import render


def index(request):
    """How partners work with the division."""
    return render(request, "collaborations/index.html")
