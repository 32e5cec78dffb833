"""Reads: what may be offered, cohort counts (aggregates only, small cells suppressed)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from .criteria import YES, CohortCriteria
from .models import ConsentAnswer, ConsentResponse, Participant, RecontactRequest, Sample, SampleRequest

SMALL_CELL_LIMIT = 10
SMALL_CELL_TEXT = "fewer than 11"


def suppress(count: int) -> str:
    """A count as a researcher may see it: 1 to 10 becomes "fewer than 11"."""
    if 1 <= count <= SMALL_CELL_LIMIT:
        return SMALL_CELL_TEXT
    return f"{count:,}"


def is_small_cell(count: int) -> bool:
    return 1 <= count <= SMALL_CELL_LIMIT


def offerable_participants() -> QuerySet[Participant]:
    """Participants whose samples may be offered: research consent given and not withdrawn."""
    return Participant.objects.filter(consent_research=True, withdrawn_on__isnull=True)


def _person_filter(criteria: CohortCriteria, prefix: str = "") -> Q:
    q = Q()
    if criteria.sex:
        q &= Q(**{f"{prefix}sex": criteria.sex})
    if criteria.birth_year_min is not None:
        q &= Q(**{f"{prefix}birth_year__gte": criteria.birth_year_min})
    if criteria.birth_year_max is not None:
        q &= Q(**{f"{prefix}birth_year__lte": criteria.birth_year_max})
    if criteria.genotyped:
        q &= Q(**{f"{prefix}genotyped": criteria.genotyped == YES})
    if criteria.recontact:
        q &= Q(**{f"{prefix}consent_recontact": criteria.recontact == YES})
    return q


def offerable_samples(criteria: CohortCriteria) -> QuerySet[Sample]:
    """Available samples of offerable participants that match the criteria."""
    samples = Sample.objects.filter(
        status=Sample.Status.AVAILABLE,
        participant__consent_research=True,
        participant__withdrawn_on__isnull=True,
    ).filter(_person_filter(criteria, "participant__"))
    if criteria.sample_type:
        samples = samples.filter(sample_type=criteria.sample_type)
    for use in criteria.uses:  # consent validation: the donor said yes to every intended use
        samples = samples.filter(participant_id__in=ConsentResponse.objects.filter(
            code=use, answer=ConsentAnswer.YES).values("participant_id"))
    return samples


@dataclass(frozen=True)
class CohortCount:
    participants: int
    samples: int

    @property
    def suppressed(self) -> bool:
        return is_small_cell(self.participants)

    @property
    def participants_text(self) -> str:
        return suppress(self.participants)

    @property
    def samples_text(self) -> str:
        # The samples of a small group describe that group too: they are hidden with it.
        if self.suppressed:
            return SMALL_CELL_TEXT
        return suppress(self.samples)


def cohort_count(criteria: CohortCriteria) -> CohortCount:
    """Participants and available samples matching ``criteria``: one aggregate query."""
    totals = offerable_samples(criteria).aggregate(
        participants=Count("participant_id", distinct=True), samples=Count("id"))
    return CohortCount(participants=totals["participants"], samples=totals["samples"])


def recontactable_participants(criteria: CohortCriteria) -> QuerySet[Participant]:
    """Participants who may be contacted: consented to re-contact and not withdrawn."""
    person = CohortCriteria(sex=criteria.sex, birth_year_min=criteria.birth_year_min,
                            birth_year_max=criteria.birth_year_max, genotyped=criteria.genotyped)
    return Participant.objects.filter(consent_recontact=True, withdrawn_on__isnull=True).filter(_person_filter(person))


def recontact_count(criteria: CohortCriteria) -> int:
    return recontactable_participants(criteria).count()


def criteria_with_recontact(criteria: CohortCriteria) -> CohortCriteria:
    """Re-contact requests only ever concern people who consented to it."""
    return CohortCriteria(**{**criteria.as_dict(), "recontact": YES})


def my_sample_requests(user) -> QuerySet[SampleRequest]:
    return SampleRequest.objects.filter(researcher=user).order_by("-created_at")


def my_recontact_requests(user) -> QuerySet[RecontactRequest]:
    return RecontactRequest.objects.filter(researcher=user).order_by("-created_at")


def status_timeline(request_obj) -> list[dict]:
    """The status moves of a request, oldest first, from its change history."""
    rows = request_obj.history.order_by("history_date", "history_id").values(
        "status", "history_date", "history_change_reason")
    labels = dict(type(request_obj).Status.choices)
    timeline, previous = [], None
    for row in rows:
        if row["status"] != previous:
            timeline.append({"status": row["status"], "label": labels.get(row["status"], row["status"]),
                             "at": row["history_date"]})
            previous = row["status"]
    return timeline

