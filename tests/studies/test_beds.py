"""TRC beds: booking service, the booking page, the day board, and who may use them."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from psycopg2.extras import DateTimeTZRange

from studies import selectors, services
from studies.models import BedBooking, Study

from .factories import BedBookingFactory, StudyFactory, bed

pytestmark = pytest.mark.django_db
BOOK = "/studies/beds/book/"
BOARD = "/studies/beds/"


def at(day_offset: int, hour: int = 8) -> datetime:
    day = timezone.localdate() + timedelta(days=day_offset)
    return datetime(day.year, day.month, day.day, hour, tzinfo=timezone.get_current_timezone())


@pytest.fixture
def study(study_team_member):
    return StudyFactory(short_title="GLOW-2", team=[study_team_member], trc_inpatient=True)


def fill(numbers, start, end, study=None):
    study = study or StudyFactory()
    for number in numbers:
        BedBookingFactory(bed=bed(number), study=study, period=DateTimeTZRange(start, end))


# --- service -------------------------------------------------------------------------------


def test_booking_without_a_bed_takes_the_first_free_one(beds, study, study_team_member):
    fill([1, 2, 4], at(3), at(5))
    booking = services.book_bed(study=study, start=at(4), end=at(6), by=study_team_member)
    assert booking.bed.number == 3
    assert booking.created_by == study_team_member
    assert booking.history.first().history_user == study_team_member


def test_booking_a_taken_bed_names_the_free_ones(beds, study, study_team_member):
    fill([1, 2], at(3), at(5))
    with pytest.raises(services.BedUnavailable) as error:
        services.book_bed(study=study, start=at(4), end=at(6), by=study_team_member, bed=bed(2))
    assert error.value.message == "Bed 2 is already booked for part of that time. Free for the whole stay: beds 3 to 18."
    assert [b.number for b in error.value.free_beds] == list(range(3, 19))


def test_when_every_bed_is_taken_the_message_says_so(beds, study, study_team_member):
    fill(range(1, 19), at(3), at(5))
    with pytest.raises(services.BedUnavailable) as error:
        services.book_bed(study=study, start=at(4), end=at(6), by=study_team_member)
    assert error.value.message == "No bed is free for the whole stay; try other dates."


@pytest.mark.parametrize(("numbers", "text"), [
    ([4], "4"), ([1, 2], "1 to 2"), ([3, 5, 6, 7, 10], "3, 5 to 7 and 10"), ([9, 1, 2, 3], "1 to 3 and 9"),
])
def test_bed_numbers_read_as_runs(numbers, text):
    assert services.bed_numbers_text(numbers) == text


def test_free_beds_respect_back_to_back_stays_and_cancellations(beds):
    fill([1], at(3), at(5))
    BedBookingFactory(bed=bed(2), period=DateTimeTZRange(at(3), at(5)), status=BedBooking.Status.CANCELLED)
    assert [b.number for b in selectors.free_beds(at(5), at(6))][:2] == [1, 2]
    assert [b.number for b in selectors.free_beds(at(4), at(6))][:1] == [2]


@pytest.mark.parametrize(("start", "end", "message"), [
    (at(5), at(5), "Discharge must be after admission."),
    (at(5), at(4), "Discharge must be after admission."),
    (at(1), at(1) + timedelta(days=91), "90 days at most"),
])
def test_a_stay_must_be_a_real_range(beds, study, study_team_member, start, end, message):
    with pytest.raises(ValidationError) as error:
        services.book_bed(study=study, start=start, end=end, by=study_team_member)
    assert message in error.value.messages[0]


def test_cancelling_frees_the_bed(beds, study, study_team_member):
    booking = services.book_bed(study=study, start=at(3), end=at(5), by=study_team_member, bed=bed(5))
    services.cancel_booking(booking, by=study_team_member)
    assert services.book_bed(study=study, start=at(3), end=at(5), by=study_team_member, bed=bed(5)).bed.number == 5
    with pytest.raises(ValidationError):
        services.cancel_booking(booking, by=study_team_member)


# --- who may use the pages ------------------------------------------------------------------


def test_bed_pages_are_for_study_teams_and_dcr_staff(client, patient, researcher, biobank_staff, beds):
    for url in (BOARD, BOOK):
        assert client.get(url).url.startswith("/accounts/login/")
    for person in (patient, researcher, biobank_staff):
        client.force_login(person)
        assert client.get(BOARD).status_code == 403
        assert client.get(BOOK).status_code == 403


def test_a_team_member_books_only_for_their_studies(client, study_team_member, study, beds):
    other = StudyFactory(short_title="OTHER-1")
    StudyFactory(short_title="CLOSED-1", status=Study.Status.COMPLETED, team=[study_team_member])
    client.force_login(study_team_member)
    body = client.get(BOOK).content.decode()
    assert "GLOW-2" in body and "OTHER-1" not in body and "CLOSED-1" not in body
    response = client.post(BOOK, {"study": other.pk, "admission": "2030-01-01T08:00",
                                  "discharge": "2030-01-02T08:00", "action": "book"})
    assert "Choose one of your studies." in response.content.decode()
    assert not BedBooking.objects.exists()


def test_dcr_staff_book_for_any_open_study(client, dcr_staff, beds):
    study = StudyFactory(short_title="ANY-1")
    client.force_login(dcr_staff)
    response = client.post(BOOK, {"study": study.pk, "admission": "2030-01-01T08:00",
                                  "discharge": "2030-01-03T12:00", "action": "book", "note": "Two nights"})
    assert response.status_code == 302 and response.url == f"{BOARD}?date=2030-01-01"
    booking = BedBooking.objects.get()
    assert (booking.bed.number, booking.note, booking.created_by) == (1, "Two nights", dcr_staff)


# --- booking page ---------------------------------------------------------------------------


def form_data(study, start, end, **extra):
    return {"study": study.pk, "admission": start.strftime("%Y-%m-%dT%H:%M"),
            "discharge": end.strftime("%Y-%m-%dT%H:%M"), "action": "book", **extra}


def test_find_free_beds_proposes_the_first_free_one(client, study_team_member, study, beds):
    fill([1, 2], at(3), at(5))
    client.force_login(study_team_member)
    response = client.post(BOOK, form_data(study, at(4), at(6), action="check"))
    body = response.content.decode()
    assert "Free for the whole stay: beds 3 to 18. Bed 3 is proposed below." in " ".join(body.split())
    assert response.context["form"]["bed"].value() == str(bed(3).pk)
    assert not BedBooking.objects.filter(study=study).exists()


def test_booking_a_taken_bed_shows_free_beds_not_a_database_error(client, study_team_member, study, beds):
    fill([1, 2], at(3), at(5))
    client.force_login(study_team_member)
    response = client.post(BOOK, form_data(study, at(4), at(6), bed=bed(1).pk))
    body = response.content.decode()
    assert response.status_code == 400
    assert "Bed 1 is already booked for part of that time. Free for the whole stay: beds 3 to 18." in body
    assert 'id="free-beds"' in body
    assert response.context["form"]["bed"].value() == str(bed(1).pk)  # their choice is kept
    assert at(4).strftime("%Y-%m-%dT%H:%M") in body


def test_the_booking_page_books_and_shows_the_board(client, study_team_member, study, beds):
    client.force_login(study_team_member)
    response = client.post(BOOK, form_data(study, at(4), at(6)), follow=True)
    body = response.content.decode()
    assert "Bed 1 is booked for GLOW-2" in body
    assert response.context["day"] == at(4).date()


@pytest.mark.parametrize(("changes", "message"), [
    ({"admission": ""}, "Give the admission date and time."),
    ({"discharge": "tomorrow"}, "Enter a date and time"),
    ({"study": ""}, "Choose the study the bed is for."),
])
def test_booking_form_errors_are_clear(client, study_team_member, study, beds, changes, message):
    client.force_login(study_team_member)
    data = {**form_data(study, at(4), at(6), note="Fasting from midnight"), **changes}
    response = client.post(BOOK, data)
    body = response.content.decode()
    assert message in body and "Fasting from midnight" in body
    assert not BedBooking.objects.exists()


def test_discharge_before_admission_is_refused_on_the_form(client, study_team_member, study, beds):
    client.force_login(study_team_member)
    response = client.post(BOOK, form_data(study, at(6), at(4)))
    assert "Discharge must be after admission." in response.content.decode()


def test_the_board_links_prefill_the_booking_form(client, study_team_member, study, beds):
    client.force_login(study_team_member)
    response = client.get(BOOK, {"admission": "2030-01-01T08:00", "discharge": "2030-01-02T12:00"})
    body = response.content.decode()
    assert 'value="2030-01-01T08:00"' in body and 'value="2030-01-02T12:00"' in body


# --- day board ------------------------------------------------------------------------------


def test_the_board_shows_18_beds_and_who_holds_them(client, study_team_member, study, beds):
    other = StudyFactory(short_title="OTHER-1")
    fill([3], at(2, 14), at(4, 10), study=study)
    fill([7], at(3, 8), at(3, 20), study=other)
    fill([9], at(4, 10), at(5, 10), study=other)  # starts the next day
    client.force_login(study_team_member)
    response = client.get(BOARD, {"date": at(3).date().isoformat()})
    board = {bed.number: [b.study.short_label for b in bookings] for bed, bookings in response.context["board"]}
    assert len(board) == 18
    assert board[3] == ["GLOW-2"] and board[7] == ["OTHER-1"] and board[9] == []
    body = response.content.decode()
    assert "2 of 18 beds held" in body
    assert body.count("Cancel booking") == 1  # only their own study's booking


def test_a_bad_date_shows_today_with_a_message(client, dcr_staff, beds):
    client.force_login(dcr_staff)
    response = client.get(BOARD, {"date": "31/02/2026"}, follow=True)
    assert response.context["day"] == timezone.localdate()
    assert "That date was not understood" in response.content.decode()


def test_a_team_member_cancels_their_own_booking_only(client, study_team_member, study, beds):
    mine = BedBookingFactory(bed=bed(1), study=study, period=DateTimeTZRange(at(2), at(3)))
    theirs = BedBookingFactory(bed=bed(2), study=StudyFactory(), period=DateTimeTZRange(at(2), at(3)))
    client.force_login(study_team_member)
    assert client.post(f"{BOARD}{theirs.pk}/cancel/").status_code == 404
    response = client.post(f"{BOARD}{mine.pk}/cancel/", {"date": at(2).date().isoformat()})
    assert response.url == f"{BOARD}?date={at(2).date().isoformat()}"
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.status, theirs.status) == (BedBooking.Status.CANCELLED, BedBooking.Status.BOOKED)


def test_board_query_count(client, dcr_staff, beds, django_assert_max_num_queries):
    for number in range(1, 19):
        fill([number], at(0, 1), at(1, 1), study=StudyFactory())
    client.force_login(dcr_staff)
    # session, user, roles, beds, bookings with studies, the user's studies
    with django_assert_max_num_queries(6):
        response = client.get(BOARD)
    assert sum(1 for _, bookings in response.context["board"] if bookings) == 18
