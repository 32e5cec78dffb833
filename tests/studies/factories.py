"""Factories for the studies app (synthetic data only)."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone
from psycopg2.extras import DateTimeTZRange

from studies.models import Bed, BedBooking, Condition, Interest, PrescreenQuestion, Study
from tests.factories import CenterFactory


class ConditionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Condition
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Condition {n}")
    slug = factory.LazyAttribute(lambda o: o.name.lower().replace(" ", "-"))


class StudyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Study
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"A randomised trial number {n} of an intervention")
    short_title = factory.Sequence(lambda n: f"TST-{n}")
    lay_title = factory.Sequence(lambda n: f"Study {n} of a new programme")
    summary = "We want to learn whether a new programme helps people feel better."
    phase = Study.Phase.PHASE_2
    status = Study.Status.RECRUITING
    is_public = True
    eligibility = "Adults who can come to the hospital for visits."
    center = factory.SubFactory(CenterFactory)
    pi_name = "Dr Quinn Example"
    contact_email = factory.Sequence(lambda n: f"study{n}@dcr.example.org")

    @factory.post_generation
    def conditions(self, create, extracted, **kwargs):
        if create and extracted:
            self.conditions.set(extracted)

    @factory.post_generation
    def team(self, create, extracted, **kwargs):
        if create and extracted:
            self.team.set(extracted)


class PrescreenQuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PrescreenQuestion

    study = factory.SubFactory(StudyFactory)
    text = factory.Sequence(lambda n: f"Question {n}: do you have a regular doctor?")
    kind = PrescreenQuestion.Kind.YES_NO
    order = factory.Sequence(lambda n: n)


class InterestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interest

    study = factory.SubFactory(StudyFactory)
    name = factory.Sequence(lambda n: f"Person {n} (synthetic)")
    email = factory.Sequence(lambda n: f"volunteer{n}@example.org")
    phone = "617 555 0100"
    consent_to_contact = True


def bed(number: int) -> Bed:
    return Bed.objects.get_or_create(number=number)[0]


def ensure_beds() -> list[Bed]:
    """The 18 TRC beds (a transactional test flushes the ones the migration made)."""
    return [bed(number) for number in range(1, 19)]


class BedBookingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BedBooking

    bed = factory.LazyFunction(lambda: bed(1))
    study = factory.SubFactory(StudyFactory)
    period = factory.LazyFunction(lambda: DateTimeTZRange(timezone.now(), timezone.now() + timedelta(days=1)))
