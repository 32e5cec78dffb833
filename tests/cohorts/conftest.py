"""A small biobank with health records: who has type 2 diabetes, HbA1c values, metformin."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from accounts import roles
from accounts.permissions import sync_role_permissions
from cohorts.models import BiobankAccess
from ehr.models import Concept, Domain, Fact
from tests.biobank.factories import ParticipantFactory, SampleFactory
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _role_permissions(db):
    sync_role_permissions()


def grant_access(user, *, verified: bool = True, status: str = BiobankAccess.Status.APPROVED) -> BiobankAccess:
    return BiobankAccess.objects.create(user=user, irb_protocol="IRB-2026-0142", institution="Synthetic Institute",
                                        purpose="Diabetes outcomes.", status=status,
                                        email_verified_at=timezone.now() if verified else None)


@pytest.fixture
def approved(db):
    user = UserFactory(roles=[roles.RESEARCHER], full_name="Ada Approved")
    grant_access(user)
    return user


def concept(system: str, code: str, display: str, domain: str) -> Concept:
    return Concept.objects.get_or_create(system=system, code=code,
                                         defaults={"display": display, "domain": domain})[0]


class Records:
    """Concepts and a helper to give a participant facts."""

    def __init__(self):
        self.diabetes = concept("icd10cm", "E11.9", "Type 2 diabetes mellitus without complications", Domain.CONDITION)
        self.diabetes_snomed = concept("snomed", "44054006", "Diabetes mellitus type 2 (disorder)", Domain.CONDITION)
        self.hba1c = concept("loinc", "4548-4", "Hemoglobin A1c/Hemoglobin.total in Blood", Domain.OBSERVATION)
        self.metformin = concept("rxnorm", "860975", "24 HR Metformin hydrochloride 500 MG", Domain.MEDICATION)
        self.insulin = concept("rxnorm", "106892", "insulin isophane, human 70 UNT/ML", Domain.MEDICATION)

    def give(self, participant, item: Concept, *, when: date | None = None, value=None, unit="", times: int = 1):
        when = when or timezone.localdate() - timedelta(days=100)
        Fact.objects.bulk_create([Fact(participant=participant, concept=item, start_date=when, value=value, unit=unit,
                                       source_id=f"X/{participant.pk}-{item.pk}-{n}") for n in range(times)])
        item.participant_count = Fact.objects.filter(concept=item).values("participant").distinct().count()
        item.save(update_fields=["participant_count"])


@pytest.fixture
def records(db):
    return Records()


def people(n: int, **kwargs) -> list:
    """``n`` offerable participants, each with one available plasma sample."""
    made = [ParticipantFactory(**kwargs) for _ in range(n)]
    for person in made:
        SampleFactory(participant=person, sample_type="plasma")
    return made
