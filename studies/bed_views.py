"""The TRC bed board (a day and a week), booking and cancelling: for study teams and DCR staff."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from common.page_cache import person_page
from common.ratelimit import per_person

from . import person_pages, selectors, services
from .forms import BookingForm
from .models import BedBooking


def _day_asked(request, key: str) -> date:
    """The day in ``?key=YYYY-MM-DD``; today (with a message) when it is not a date."""
    if request.GET.get(key):
        try:
            return date.fromisoformat(request.GET[key])
        except ValueError:
            messages.error(request, "That date was not understood; showing today. Use the form YYYY-MM-DD.")
    return timezone.localdate()


# --- TRC beds ------------------------------------------------------------------------------


def _require_beds(user) -> None:
    if not selectors.can_use_beds(user):
        raise PermissionDenied("The bed board is for study teams and DCR staff.")


@login_required
def bed_day(request):
    _require_beds(request.user)
    day = _day_asked(request, "date")
    board = selectors.bed_board(day)
    shown = {booking.study_id for _, bookings in board for booking in bookings}  # as on the week's board
    own = set(selectors.bookable_studies(request.user).filter(pk__in=shown).values_list("pk", flat=True))
    return render(request, "studies/bed_day.html", {
        "day": day, "board": board, "previous_day": day - timezone.timedelta(days=1),
        "next_day": day + timezone.timedelta(days=1), "today": timezone.localdate(), "own_study_ids": own,
        "held": sum(1 for _, bookings in board if bookings),
    })


@login_required
@person_page(person_pages.BED_WEEK, frozenset({"start"}), check=lambda request: _require_beds(request.user))
def bed_week(request):
    """Seven days by 18 beds: which study holds each bed on each day."""
    first = _day_asked(request, "start")
    days = [first + timedelta(days=offset) for offset in range(7)]
    rows = selectors.bed_week(first)
    # Only the studies on the board: DCR staff may book for every open study (thousands of ids).
    shown = {booking.study_id for row in rows for held in row.days for booking in held}
    own = set(selectors.bookable_studies(request.user).filter(pk__in=shown).values_list("pk", flat=True))
    return render(request, "studies/bed_week.html", {
        "days": days, "rows": rows, "own_study_ids": own, "today": timezone.localdate(),
        "previous_week": first - timedelta(days=7), "next_week": first + timedelta(days=7),
        "free_nights": sum(1 for row in rows for held in row.days if not held),
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
