from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.utils.translation import get_language
from django.views.decorators.http import require_http_methods, require_POST

from accounts.audit import record_access

from common.ratelimit import per_person

from . import ratelimit, selectors, services
from .filters import InterestListFilter
from .forms import BookingForm, InterestForm, MoveForm
from .models import BedBooking, Interest, Study

SESSION_LAST_INQUIRY = "studies_last_inquiry"
CONTACT_FIELDS = ["name", "email", "phone"]


# --- Public: the trial finder and study pages --------------------------------------------


def finder(request):
    result = selectors.finder(request.GET, request.GET.get("page"))
    return render(request, "studies/finder.html", {"finder": result, "form": result.filterset.form})


def _initial_for(user) -> dict:
    if not user.is_authenticated:
        return {}
    return {"name": user.full_name, "email": user.email, "phone": user.phone}


@require_http_methods(["GET", "POST"])
@per_person("interest-person", limit=10)
def study_detail(request, pk: int):
    study = selectors.public_study(pk)
    if study is None:
        raise Http404("No such study")
    if study.is_closed:
        return render(request, "studies/closed.html", {"study": study}, status=410)
    questions = list(study.questions.all())
    form = InterestForm(study=study, questions=questions, initial=_initial_for(request.user))
    form_problem = ""
    if request.method == "POST" and study.accepts_inquiries:
        form = InterestForm(request.POST, study=study, questions=questions)
        ip = ratelimit.client_ip(request)
        if form.is_honeypot_tripped:
            ratelimit.count(ip=ip)
            form.clear_honeypot()
            form.is_valid()
            form_problem = gettext("Your message was not sent: part of the form looked as if it had been filled in "
                                   "automatically. Please check your answers and press Send again.")
        elif form.is_valid():
            data = form.cleaned_data
            contact = {"email": data["email"], "phone": data["phone"], "ip": ip}
            if not ratelimit.take(**contact):
                form_problem = gettext("We have received several messages from this address in the last hour, so "
                                       "this one was not sent. Please try again in an hour, or contact the study "
                                       "team directly using the details on this page.")
            else:
                try:
                    interest = services.submit_interest(
                        study=study, name=data["name"], email=data["email"], phone=data["phone"],
                        preferred_contact=data["preferred_contact"], best_time=data["best_time"],
                        answers=form.answers(), consent_to_contact=data["consent_to_contact"], user=request.user,
                        language=get_language(),
                    )
                except ValidationError as error:  # e.g. the study closed a moment ago
                    ratelimit.release(**contact)
                    form_problem = " ".join(error.messages)
                else:
                    request.session[SESSION_LAST_INQUIRY] = [study.pk, interest.reference]
                    return redirect("studies:thanks", pk=study.pk)
        if not form_problem:
            form_problem = gettext("Your message was not sent yet: please correct the answers marked below.")
    return render(request, "studies/detail.html", {"study": study, "form": form, "form_problem": form_problem},
                  status=200 if not form_problem else 400)


def thanks(request, pk: int):
    study = selectors.public_study(pk)
    last = request.session.get(SESSION_LAST_INQUIRY)
    if study is None or not last or last[0] != study.pk:
        return redirect("studies:finder")
    return render(request, "studies/thanks.html", {"study": study, "reference": last[1]})


# --- A person's own inquiries ------------------------------------------------------------


@login_required
def my_inquiries(request):
    page = Paginator(selectors.inquiries_of(request.user), 20).get_page(request.GET.get("page"))
    return render(request, "studies/my_inquiries.html", {"page": page, "withdrawable": {
        status for status in Interest.Status.values if Interest.Status.WITHDRAWN in Interest.MOVES[status]}})


@login_required
@require_POST
@per_person("interest-withdraw", limit=20)
def withdraw_inquiry(request, pk: int):
    interest = get_object_or_404(Interest, pk=pk, user=request.user)
    try:
        services.change_interest_status(interest, Interest.Status.WITHDRAWN, by=request.user,
                                        reason="Withdrawn by the person on the portal.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, gettext("Your inquiry %(reference)s is withdrawn. The study team will not contact "
                                          "you about it.") % {"reference": interest.reference})
    return redirect("studies:my_inquiries")


# --- Study teams ---------------------------------------------------------------------------


def _require_team_pages(user) -> None:
    if not selectors.can_use_team_pages(user):
        raise PermissionDenied("The study team pages are for members of a study team.")


@login_required
def team_index(request):
    _require_team_pages(request.user)
    page = Paginator(selectors.team_studies(request.user), 20).get_page(request.GET.get("page"))
    for study in page:
        study.funnel = selectors.funnel(study)
    return render(request, "studies/team_index.html", {"page": page})


@login_required
def team_study(request, pk: int):
    _require_team_pages(request.user)
    study = get_object_or_404(selectors.team_studies(request.user), pk=pk)
    filterset = InterestListFilter(request.GET, queryset=selectors.team_interests(study))
    page = Paginator(filterset.qs, 25).get_page(request.GET.get("page"))
    rows = [(interest, MoveForm(interest=interest, auto_id=f"id_move_{interest.pk}_%s")) for interest in page]
    if rows:
        record_access(request.user, page.object_list, CONTACT_FIELDS, path=request.path)
    return render(request, "studies/team_study.html", {
        "study": study, "funnel": selectors.funnel(study), "filter": filterset, "page": page, "rows": rows,
        "now": timezone.now(),
    })


@login_required
@require_POST
@per_person("team-move", limit=300)
def team_move(request, pk: int):
    _require_team_pages(request.user)
    interest = get_object_or_404(Interest.objects.filter(study__in=Study.objects.for_team(request.user))
                                 .select_related("study"), pk=pk)
    form = MoveForm(request.POST, interest=interest)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("studies:team_study", args=[interest.study_id])
    if not form.is_valid():
        messages.error(request, f"{interest.reference}: " + " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(back)
    try:
        services.change_interest_status(interest, form.cleaned_data["to"], by=request.user,
                                        reason=form.cleaned_data["reason"])
    except ValidationError as error:
        messages.error(request, f"{interest.reference}: " + " ".join(error.messages))
    else:
        messages.success(request, f"{interest.reference} is now {interest.get_status_display().lower()}.")
    return redirect(back)


# --- TRC beds ------------------------------------------------------------------------------


def _require_beds(user) -> None:
    if not selectors.can_use_beds(user):
        raise PermissionDenied("The bed board is for study teams and DCR staff.")


@login_required
def bed_day(request):
    _require_beds(request.user)
    day = timezone.localdate()
    if request.GET.get("date"):
        try:
            day = date.fromisoformat(request.GET["date"])
        except ValueError:
            messages.error(request, "That date was not understood; showing today. Use the form YYYY-MM-DD.")
    board = selectors.bed_board(day)
    own = set(selectors.bookable_studies(request.user).values_list("pk", flat=True))
    return render(request, "studies/bed_day.html", {
        "day": day, "board": board, "previous_day": day - timezone.timedelta(days=1),
        "next_day": day + timezone.timedelta(days=1), "today": timezone.localdate(), "own_study_ids": own,
        "held": sum(1 for _, bookings in board if bookings),
    })


@login_required
@require_http_methods(["GET", "POST"])
@per_person("bed-book", limit=60)
def bed_book(request):
    _require_beds(request.user)
    initial = {key: request.GET[key] for key in ("study", "admission", "discharge") if request.GET.get(key)}
    form = BookingForm(request.POST or None, user=request.user, initial=initial)
    free, proposed = None, None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if request.POST.get("action") == "book":
            try:
                booking = services.book_bed(study=data["study"], start=data["admission"], end=data["discharge"],
                                            bed=data["bed"], note=data["note"], by=request.user)
            except services.BedUnavailable as error:
                form.add_error("bed" if data["bed"] else None, error.message)
                free = error.free_beds
            else:
                local = timezone.localtime(booking.admission)
                messages.success(request, f"{booking.bed} is booked for {booking.study.short_label} from "
                                          f"{local:%d %b %Y %H:%M} to {timezone.localtime(booking.discharge):%d %b %Y %H:%M}.")
                return redirect(f"{reverse('studies:bed_day')}?date={local.date().isoformat()}")
        else:
            free = selectors.free_beds(data["admission"], data["discharge"])
            proposed = data["bed"] if data["bed"] in free else (free[0] if free else None)
            if proposed and proposed != data["bed"]:
                with_bed = request.POST.copy()
                with_bed["bed"] = str(proposed.pk)
                form = BookingForm(with_bed, user=request.user)
                form.is_valid()
    return render(request, "studies/bed_book.html", {
        "form": form, "free_beds": free, "proposed": proposed,
        "free_sentence": services.free_beds_sentence(free) if free is not None else ""},
                  status=400 if form.errors else 200)


@login_required
@require_POST
@per_person("bed-cancel", limit=60)
def bed_cancel(request, pk: int):
    _require_beds(request.user)
    booking = get_object_or_404(BedBooking.objects.filter(study__in=selectors.bookable_studies(request.user))
                                .select_related("bed", "study"), pk=pk)
    try:
        services.cancel_booking(booking, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"The booking of {booking.bed} for {booking.study.short_label} is cancelled.")
    try:
        day = date.fromisoformat(request.POST.get("date", ""))
    except ValueError:
        day = timezone.localtime(booking.admission).date()
    return redirect(f"{reverse('studies:bed_day')}?date={day.isoformat()}")
