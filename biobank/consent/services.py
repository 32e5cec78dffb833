"""Writes of consent answers: one statement at a time, with history; the participant's research and
re-contact fields follow their answers; a withdrawn use releases the reservations that needed it."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .. import services
from ..models import ConsentAnswer, ConsentResponse, ConsentUse, Participant, Sample

# The participant fields that mirror an answer (the cohort index reads them).
MIRRORED = {ConsentUse.RESEARCH: "consent_research", ConsentUse.RECONTACT: "consent_recontact"}


def _save(participant: Participant, code: str, *, answer: str, answered_on: date | None, form_version: str,
          withdrawn_on: date | None, by, reason: str) -> ConsentResponse:
    response = ConsentResponse.objects.select_for_update().filter(participant=participant, code=code).first()
    response = response or ConsentResponse(participant=participant, code=code)
    response.answer, response.answered_on, response.form_version = answer, answered_on, form_version
    response.withdrawn_on, response.updated_at = withdrawn_on, timezone.now()
    response._history_user, response._change_reason = by, reason[:100]
    response.save()
    field = MIRRORED.get(code)
    if field and getattr(participant, field) != (answer == ConsentAnswer.YES):
        setattr(participant, field, answer == ConsentAnswer.YES)
        participant._history_user, participant._change_reason = by, reason[:100]
        participant.save(update_fields=[field, "updated_at"])
    return response


@transaction.atomic
def record_answer(participant: Participant, *, code: str, answer: str, answered_on: date | None,
                  form_version: str, by) -> ConsentResponse:
    """Record a participant's answer to one statement (from a signed form)."""
    errors = {}
    if code not in ConsentUse.values:
        errors["code"] = "Choose a statement of the consent form."
    if answer not in ConsentAnswer.values:
        errors["answer"] = "Answer yes, no, or not asked."
    if answer != ConsentAnswer.NOT_ASKED and not answered_on:
        errors["answered_on"] = "Give the date the form was signed."
    if answered_on and answered_on > timezone.localdate():
        errors["answered_on"] = "The date cannot be in the future."
    if errors:
        raise ValidationError(errors)
    locked = Participant.objects.select_for_update().get(pk=participant.pk)
    if locked.withdrawn_on and answer == ConsentAnswer.YES:
        raise ValidationError({"answer": f"{locked.biobank_id} withdrew from the biobank: record no new consent."})
    return _save(locked, code, answer=answer, answered_on=answered_on, form_version=(form_version or "").strip()[:20],
                 withdrawn_on=None, by=by, reason=f"{ConsentUse(code).label}: {ConsentAnswer(answer).label}")


@transaction.atomic
def withdraw_statement(participant: Participant, *, code: str, by, when: date | None = None,
                       reason: str = "") -> list[str]:
    """Withdraw one statement, keeping the others. Reservations for requests that declared that use
    (any, for research) are released; pending re-contacts are dropped for re-contact. Returns the
    references of the requests affected."""
    locked = Participant.objects.select_for_update().get(pk=participant.pk)
    when = when or timezone.localdate()
    current = ConsentResponse.objects.filter(participant=locked, code=code).first()
    if code not in ConsentUse.values:
        raise ValidationError({"code": "Choose a statement of the consent form."})
    if current is None or current.answer != ConsentAnswer.YES:
        raise ValidationError({"code": f"{locked.biobank_id} did not say yes to “{ConsentUse(code).label}”: "
                                       "there is nothing to withdraw."})
    if when > timezone.localdate():
        raise ValidationError({"withdrawn_on": "The withdrawal date cannot be in the future."})
    _save(locked, code, answer=ConsentAnswer.NO, answered_on=current.answered_on, form_version=current.form_version,
          withdrawn_on=when, by=by, reason=(f"Withdrew {ConsentUse(code).label.lower()}: {reason}".strip(": ")))
    reserved = locked.samples.filter(status=Sample.Status.RESERVED).select_related("reserved_for")
    if code != ConsentUse.RESEARCH:
        reserved = [s for s in reserved if code in (s.reserved_for.criteria or {}).get("uses", [])]
    affected = sorted({s.reserved_for.reference for s in reserved})
    if reserved:
        services.move_samples(Sample.objects.filter(pk__in=[s.pk for s in reserved]), Sample.Status.AVAILABLE, by=by,
                              reason=f"Released: {locked.biobank_id} withdrew {ConsentUse(code).label.lower()}")
    if code == ConsentUse.RECONTACT:
        affected += services.drop_from_pending_recontacts(locked)
    participant.consent_research, participant.consent_recontact = locked.consent_research, locked.consent_recontact
    return affected


@transaction.atomic
def answers_follow_fields(participant: Participant, *, by) -> None:
    """After staff edit the research or re-contact field on the participant form, the answer follows."""
    current = {r.code: r for r in ConsentResponse.objects.filter(participant=participant, code__in=list(MIRRORED))}
    for code, field in MIRRORED.items():
        answer = ConsentAnswer.YES if getattr(participant, field) else ConsentAnswer.NO
        response = current.get(code)
        if response is None or response.answer != answer:
            _save(participant, code, answer=answer, answered_on=participant.consent_date,
                  form_version=participant.consent_version, withdrawn_on=None, by=by,
                  reason=f"{ConsentUse(code).label}: {ConsentAnswer(answer).label} (participant record)")
