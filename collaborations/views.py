from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from common import ratelimit
from common.page_cache import person_page

from . import page_cache, services
from .forms import InquiryForm
from .models import Affiliate, Inquiry

INQUIRIES_PER_HOUR_PER_ADDRESS = 5
INQUIRIES_PER_HOUR_PER_IP = 20


@require_http_methods(["GET", "POST"])
@ratelimit.per_person("partnership-person", limit=5)
def index(request):
    """How partners work with the division, its affiliates, and the partnership inquiry form."""
    initial = {}
    if request.user.is_authenticated:
        initial = {"contact_name": request.user.full_name, "contact_email": request.user.email,
                   "organisation": request.user.organisation}
    form = InquiryForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        if form.is_bot:
            # Look like success to a bot; keep nothing.
            return redirect("collaborations:thanks")
        data = {k: v for k, v in form.cleaned_data.items() if k != "website"}
        allowed = ratelimit.hit("partnership-ip", ratelimit.client_ip(request),
                                limit=INQUIRIES_PER_HOUR_PER_IP, window_seconds=3600)
        allowed = ratelimit.hit("partnership-email", data["contact_email"],
                                limit=INQUIRIES_PER_HOUR_PER_ADDRESS, window_seconds=3600) and allowed
        if not allowed:
            form.add_error(None, "We have received several inquiries from you in the last hour. "
                                 "Please wait an hour and send it again, or email dcr-partnerships@dcr.example.org.")
        else:
            inquiry = services.submit_inquiry(submitted_by=request.user, **data)
            request.session["partnership_reference"] = inquiry.reference
            return redirect("collaborations:thanks")
    affiliates = Affiliate.objects.filter(active=True)
    return render(request, "collaborations/index.html", {"form": form, "affiliates": affiliates})


@login_required
@person_page(page_cache.MINE)
def mine(request):
    """The partnership inquiries a signed-in person sent, with where they stand."""
    inquiries = Inquiry.objects.filter(submitted_by=request.user).order_by("-submitted_at")
    return render(request, "collaborations/mine.html", {"inquiries": inquiries})


def thanks(request):
    reference = request.session.pop("partnership_reference", None)
    return render(request, "collaborations/thanks.html", {"reference": reference})
