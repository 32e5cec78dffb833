"""Rules the database and the models enforce on studies, inquiries and bed bookings."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from psycopg2.extras import DateTimeTZRange

from studies.models import BedBooking, Interest, Study, new_interest_reference

from .factories import BedBookingFactory, ConditionFactory, InterestFactory, StudyFactory, bed

pytestmark = pytest.mark.django_db


def test_nct_number_must_be_nct_and_eight_digits():
    study = StudyFactory.build(nct_id="NCT1234", center=StudyFactory().center)
    with pytest.raises(ValidationError) as error:
        study.full_clean()
    assert "NCT followed by 8 digits" in str(error.value.message_dict["nct_id"])


def test_nct_number_is_unique_when_set_but_many_studies_may_have_none():
    StudyFactory(nct_id="")
    StudyFactory(nct_id="")
    StudyFactory(nct_id="NCT01234567")
    with pytest.raises(IntegrityError), transaction.atomic():
        StudyFactory(nct_id="NCT01234567")


def test_nct_number_is_stored_in_capitals():
    study = StudyFactory(nct_id=" nct07654321 ")
    study.refresh_from_db()
    assert study.nct_id == "NCT07654321"
    assert study.clinicaltrials_url == "https://clinicaltrials.gov/study/NCT07654321"


def test_minimum_age_may_not_exceed_maximum_age():
    with pytest.raises(IntegrityError), transaction.atomic():
        StudyFactory(min_age=40, max_age=30)


def test_inpatient_nights_need_a_trc_stay():
    with pytest.raises(IntegrityError), transaction.atomic():
        StudyFactory(trc_inpatient=False, inpatient_nights=2)
    assert StudyFactory(trc_inpatient=True, inpatient_nights=2).inpatient_nights == 2


def test_age_range_reads_as_plain_words():
    assert StudyFactory.build(min_age=18, max_age=65).age_range == "18 to 65 years old"
    assert StudyFactory.build(min_age=18, max_age=None).age_range == "18 years and older"
    assert StudyFactory.build(min_age=None, max_age=17).age_range == "Up to 17 years old"
    assert StudyFactory.build(min_age=None, max_age=None).age_range == "Any age"


def test_every_phase_is_explained_in_one_sentence():
    for phase in Study.Phase.values:
        sentence = Study.PHASE_EXPLAINED[phase]
        assert sentence.endswith(".") and sentence.count(". ") == 0


def _vector(study) -> str:
    study.refresh_from_db()
    return str(study.search_vector)


def test_search_vector_stems_with_the_english_configuration():
    with connection.cursor() as cursor:
        cursor.execute("select to_tsvector('english', 'diabetes') @@ websearch_to_tsquery('english', 'diabetic')")
        assert cursor.fetchone()[0] is True
    study = StudyFactory(lay_title="Walking for people with diabetes")
    assert "'diabet':" in _vector(study)


def test_search_vector_weights_lay_title_a_conditions_b_summary_c():
    study = StudyFactory(lay_title="Walking programme", summary="Helps sleep.", keywords="exercise",
                         conditions=[ConditionFactory(name="Asthma")])
    vector = _vector(study)
    assert "'walk':1A" in vector
    assert "'asthma':" in vector and "B" in vector.split("'asthma':")[1].split(" ")[0]
    assert "'exercis':" in vector
    assert "'sleep':" in vector and vector.split("'sleep':")[1].split(" ")[0].endswith("C")


def test_search_vector_follows_condition_changes_and_renames():
    condition = ConditionFactory(name="Gout")
    study = StudyFactory()
    assert "gout" not in _vector(study)
    study.conditions.add(condition)
    assert "'gout'" in _vector(study)
    condition.name = "Arthritis"
    condition.save()
    assert "'arthriti'" in _vector(study) and "gout" not in _vector(study)
    condition.studies.clear()
    assert "arthriti" not in _vector(study)
    condition.studies.add(study)
    assert "arthriti" in _vector(study)
    study.conditions.remove(condition)
    assert "arthriti" not in _vector(study)


def test_an_inquiry_needs_consent_and_a_way_to_reach_the_person():
    with pytest.raises(IntegrityError), transaction.atomic():
        InterestFactory(consent_to_contact=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        InterestFactory(email="", phone="")
    assert InterestFactory(email="", phone="617 555 0199").status == Interest.Status.NEW


def test_inquiry_references_are_random_and_readable():
    references = {new_interest_reference() for _ in range(200)}
    assert len(references) == 200
    assert all(ref.startswith("INQ-") and len(ref) == 13 for ref in references)
    assert not any(char in ref[4:] for ref in references for char in "0O1IL5S8BZ")


# --- Bed bookings: the exclusion constraint --------------------------------------------------


def _period(start_hours: int, end_hours: int) -> DateTimeTZRange:
    base = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=3)
    return DateTimeTZRange(base + timedelta(hours=start_hours), base + timedelta(hours=end_hours))


def test_database_refuses_two_overlapping_bookings_of_one_bed():
    BedBookingFactory(bed=bed(4), period=_period(0, 48))
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        BedBookingFactory(bed=bed(4), period=_period(24, 72))
    assert "bedbooking_no_overlap" in str(error.value)


def test_other_beds_back_to_back_stays_and_cancelled_bookings_do_not_clash():
    BedBookingFactory(bed=bed(4), period=_period(0, 48))
    BedBookingFactory(bed=bed(5), period=_period(24, 72))  # another bed
    BedBookingFactory(bed=bed(4), period=_period(48, 72))  # discharge at 48h, next admission at 48h
    BedBookingFactory(bed=bed(6), period=_period(0, 24), status=BedBooking.Status.CANCELLED)
    BedBookingFactory(bed=bed(6), period=_period(0, 24))
    assert BedBooking.objects.count() == 5


def test_the_constraint_needs_no_btree_gist_extension():
    # Only range operators (&&): no "bed_id WITH =", which would need btree_gist (absent from embedded PostgreSQL).
    with connection.cursor() as cursor:
        cursor.execute("select pg_get_constraintdef(oid) from pg_constraint where conname = 'bedbooking_no_overlap'")
        definition = cursor.fetchone()[0]
    assert "int8range(bed_id, bed_id, '[]'::text) WITH &&" in definition
    assert "period WITH &&" in definition and "WITH =" not in definition
    assert "WHERE" in definition and "booked" in definition


def test_a_booking_must_have_discharge_after_admission():
    with pytest.raises(IntegrityError), transaction.atomic():
        BedBookingFactory(bed=bed(7), period=_period(10, 10))


def test_model_validation_reports_the_overlap_in_words():
    BedBookingFactory(bed=bed(8), period=_period(0, 48))
    clash = BedBooking(bed=bed(8), study=StudyFactory(), period=_period(12, 20))
    with pytest.raises(ValidationError) as error:
        clash.full_clean()
    assert "already booked for part of that time" in str(error.value)
