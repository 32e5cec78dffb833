"""Writes: asking a question (budgeted, logged, protected), saving cohorts, and biobank access."""

from __future__ import annotations

import pickle  # nosec B403: only for our own sealed values
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from accounts.models import User
from common import disclosure, sealing
from common.workflow import InvalidTransition
from notifications.services import queue_email

from . import counting
from .models import BiobankAccess, CohortQueryLog, SavedCohort
from .question import Question

DAILY_BUDGET_DEFAULT = 150
ANSWER_TIMEOUT = 600
VERIFY_SALT = "cohorts.verify-email"
VERIFY_MAX_AGE = 3 * 24 * 3600


def daily_budget() -> int:
    return int(getattr(settings, "COHORT_DAILY_BUDGET", DAILY_BUDGET_DEFAULT))


@dataclass(frozen=True)
class Answer:
    """What a researcher is shown: protected numbers (None: "fewer than 11"), or a refusal."""

    participants: int | None = None
    samples: int | None = None
    cells: dict | None = None  # breakdown: {kind: {key: shown}}
    refused: bool = False
    budget_left: int = 0
    version: int = 0  # of the data counted (``_budget``)
    asked: int = 0  # distinct questions asked today, this one included

    @property
    def participants_text(self) -> str:
        return disclosure.text(self.participants)

    @property
    def samples_text(self) -> str:
        # The samples of a hidden group describe that group too: hidden with it.
        return disclosure.text(self.samples if self.participants is not None else None)

    def as_shown(self) -> dict:
        if self.refused:
            return {"refused": "daily budget used up"}
        if self.cells is not None:
            return {kind: {key: disclosure.text(v) for key, v in cells.items()} for kind, cells in self.cells.items()}
        return {"participants": self.participants_text, "samples": self.samples_text}


def _budget(user, digest: str) -> tuple[int, bool, int]:
    """(distinct questions asked today, whether this one is among them, the data's version): one query.

    The version is the counter PostgreSQL moves on every write to what a count reads (migration
    cohorts 0002: statement-level triggers on participants, consent answers, samples and facts)."""
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    table = CohortQueryLog._meta.db_table
    # Two small index scans (cohortquery_new_idx, cohortquery_again_idx), however often questions
    # were asked again today: each question is counted on the row of its first ask of the day.
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT count(*) FROM {table} WHERE user_id = %s AND asked_at >= %s AND new_today "  # nosec B608: the model's table
            "AND NOT refused), "
            f"EXISTS (SELECT 1 FROM {table} WHERE user_id = %s AND question_hash = %s AND asked_at >= %s "
            "AND NOT refused), (SELECT last_value FROM cohorts_data_version)", [user.pk, start, user.pk, digest, start])
        asked, again, version = cursor.fetchone()
    return asked, again, version


def _exact(question: Question, kind: str, version: int):
    """The exact figures of ``question`` (``counting.count`` or ``breakdown``), kept per version of the
    data, sealed: asked again (by anyone) before anything they read changes, no query runs. An answer computed
    while a change was being written may be kept until the next change, ANSWER_TIMEOUT at most."""
    key = f"cohorts:answer:{question.digest(kind)}:{timezone.localdate().isoformat()}:{version}"
    seal = sealing.fernet(b"cohort answers")  # exact figures, small ones included: never readable in the cache
    kept = cache.get(key)
    if kept is not None:
        return pickle.loads(seal.decrypt(kept))  # nosec B301: our own bytes, authenticated by the Fernet token
    exact = counting.breakdown(question) if kind == CohortQueryLog.Kind.BREAKDOWN else counting.count(question)
    cache.set(key, seal.encrypt(pickle.dumps(exact)), ANSWER_TIMEOUT)
    return exact


def ask(user, question: Question, *, kind: str = CohortQueryLog.Kind.COUNT) -> Answer:
    """Count (or break down) ``question`` for ``user``: within the daily budget, protected, logged.

    Asking a question already asked today costs nothing: its answer is the same by design. (Two
    questions sent at the same instant may both pass a budget with one left: a bound, not a lock.)"""
    digest = question.digest(kind)
    asked, again, version = _budget(user, digest)
    budget = daily_budget()
    if not again and asked >= budget:
        answer = Answer(refused=True)
    elif kind == CohortQueryLog.Kind.BREAKDOWN:
        cells = {name: {key: disclosure.protected(f"{name}:{key}", exact.participants,
                                                  exact.participants_fingerprint)
                        for key, exact in group.items()} for name, group in _exact(question, kind, version).items()}
        answer = Answer(cells=cells, budget_left=budget - asked - (0 if again else 1), version=version,
                        asked=asked + (0 if again else 1))
    else:
        exact = _exact(question, kind, version)
        participants = disclosure.protected("participants", exact.participants, exact.participants_fingerprint)
        # One sample each: the two counts are one number, shown once (two offsets would average out).
        samples = participants if exact.samples == exact.participants else disclosure.protected(
            "samples", exact.samples, exact.samples_fingerprint)
        answer = Answer(participants=participants, samples=samples, budget_left=budget - asked - (0 if again else 1),
                        version=version, asked=asked + (0 if again else 1))
    CohortQueryLog.objects.create(user=user, kind=kind, question=question.as_dict(), question_hash=digest,
                                  shown=answer.as_shown(), refused=answer.refused, new_today=not (again or answer.refused))
    return answer


def ask_again(user, *, digest: str, kind: str, question: dict, shown: dict, version: int, asked: int) -> bool:
    """Log ``question`` asked again by ``user`` and say True if its page, drawn when the data was at
    ``version`` and the person had asked ``asked`` questions today (this one included), still holds:
    the same data, this question already asked today, no other asked since. Else False, and nothing
    is logged (the page is drawn afresh through ``ask``)."""
    now_asked, again, now_version = _budget(user, digest)
    if not (again and now_version == version and now_asked == asked):
        return False
    CohortQueryLog.objects.create(user=user, kind=kind, question=question, question_hash=digest, shown=shown,
                                  refused=False)
    return True


def save_cohort(user, *, name: str, question: Question) -> SavedCohort:
    """Save (or overwrite, by name) one of the researcher's cohorts."""
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": "Give the cohort a name."})
    if len(name) > 120:
        raise ValidationError({"name": "Keep the name under 120 characters."})
    if not question.groups and not question.sample.as_query():
        raise ValidationError({"name": "Add at least one criterion before saving the cohort."})
    try:
        with transaction.atomic():
            cohort, _ = SavedCohort.objects.update_or_create(owner=user, name=name,
                                                             defaults={"question": question.as_dict()})
    except IntegrityError:  # saved at the same moment in another tab
        cohort = SavedCohort.objects.get(owner=user, name=name)
    return cohort


# --- Biobank access ---------------------------------------------------------------------------

def verification_token(access: BiobankAccess) -> str:
    return signing.dumps({"access": access.pk, "email": access.user.email}, salt=VERIFY_SALT)


@transaction.atomic
def apply_for_access(user, *, irb_protocol: str, institution: str, purpose: str) -> BiobankAccess:
    """A researcher asks for the cohort tool; they get an email to verify their address."""
    if not roles.has_role(user, roles.RESEARCHER):
        raise InvalidTransition("Only researchers can ask for access to the biobank.")
    access = BiobankAccess.objects.select_for_update().filter(user=user).first()
    if access and access.status == BiobankAccess.Status.APPROVED:
        raise InvalidTransition("Your biobank access is already approved.")
    access = access or BiobankAccess(user=user)
    if access.pk and access.status != BiobankAccess.Status.PENDING:
        BiobankAccess.MOVES.check(access.status, BiobankAccess.Status.PENDING)
    access.irb_protocol, access.institution, access.purpose = irb_protocol.strip(), institution.strip(), purpose.strip()
    access.status = BiobankAccess.Status.PENDING
    access.full_clean()
    access._history_user = user
    access._change_reason = "Applied"
    access.save()
    if access.email_verified_at is None:
        queue_email(user.email, "cohorts_verify_email",
                    {"path": reverse("cohorts:verify_email", args=[verification_token(access)])},
                    idempotency_key=f"cohorts:access:{access.pk}:verify:{access.updated_at:%Y%m%d%H%M%S%f}")
    staff = User.objects.filter(groups__name=roles.BIOBANK_STAFF, is_active=True).distinct().order_by("pk")
    for member in staff.only("pk", "email"):
        queue_email(member.email, "cohorts_access_for_staff",
                    {"path": reverse("admin:cohorts_biobankaccess_change", args=[access.pk])},
                    idempotency_key=f"cohorts:access:{access.pk}:staff:{member.pk}:{access.updated_at:%Y%m%d%H%M%S}")
    return access


@transaction.atomic
def verify_email(token: str) -> BiobankAccess:
    try:
        data = signing.loads(token, salt=VERIFY_SALT, max_age=VERIFY_MAX_AGE)
    except signing.BadSignature:
        raise ValidationError("This link is not valid or has expired: ask for a new one from the biobank access "
                              "page.") from None
    access = BiobankAccess.objects.select_for_update().select_related("user").filter(pk=data.get("access")).first()
    if access is None or access.user.email != data.get("email"):
        raise ValidationError("This link is not valid any more: ask for a new one from the biobank access page.")
    if access.email_verified_at is None:
        access.email_verified_at = timezone.now()
        access._history_user = access.user
        access._change_reason = "Email verified"
        access.save(update_fields=["email_verified_at", "updated_at"])
    return access


@transaction.atomic
def move_access(access: BiobankAccess, to: str, *, by, reason: str = "") -> BiobankAccess:
    """Biobank staff approve, decline or revoke access; the researcher is told there is news."""
    if not roles.has_role(by, roles.BIOBANK_STAFF):
        raise InvalidTransition("Only biobank staff decide on biobank access.")
    locked = BiobankAccess.objects.select_for_update().select_related("user").get(pk=access.pk)
    BiobankAccess.MOVES.check(locked.status, to, refusal=lambda: (
        f"An application that is {BiobankAccess.MOVES.label(locked.status)} cannot become "
        f"{BiobankAccess.MOVES.label(to)}."))
    reason = (reason or "").strip()
    if to in (BiobankAccess.Status.DECLINED, BiobankAccess.Status.REVOKED) and not reason:
        raise ValidationError({"reason": "Give the reason: the researcher will read it."})
    if to == BiobankAccess.Status.APPROVED and locked.email_verified_at is None:
        raise InvalidTransition("The researcher has not verified their email address yet.")
    locked.status, locked.decided_by, locked.decision_reason = to, by, reason
    locked._history_user = by
    locked._change_reason = reason[:100] or f"Moved to {BiobankAccess.MOVES.label(to)}"
    locked.save()
    queue_email(locked.user.email, "cohorts_access_status", {"path": reverse("cohorts:access")},
                idempotency_key=f"cohorts:access:{locked.pk}:status:{to}:{locked.updated_at:%Y%m%d%H%M%S}")
    access.status = locked.status
    return locked
