"""The email outbox: the only way the portal sends an email.

``queue_email`` writes an ``OutboxEmail`` row inside the caller's transaction and asks Celery
to send it once that transaction commits; if the change rolls back, no email is owed.
``send_queued_email`` delivers one row (called by the Celery task), ``requeue_stuck`` picks up
rows whose task was lost, ``retry`` gives failed rows a fresh start (admin action).

Delivery is at most once while the database is reachable: the row is locked from the check to
the "sent" mark, so two tasks for one row never both deliver it. The one gap no outbox can
close is a crash after the SMTP server accepted a message and before "sent" is committed; the
retry then carries the same ``Message-ID``, so the receiving side can drop the duplicate.
"""

from __future__ import annotations

import logging
import smtplib
import uuid
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import transaction
from django.template import Context, Engine, TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone, translation

from common.protected import PROTECTED_CONTEXT_KEYS, scrub

from .models import OutboxEmail

logger = logging.getLogger(__name__)

_PLAIN = (str, int, float, bool, type(None))
# A retry may reach a worker a moment before its scheduled time when the clocks of two
# machines differ slightly; that is not "early".
CLOCK_TOLERANCE = timedelta(seconds=1)
MAX_BACKOFF_SECONDS = 3600
REQUEUE_BATCH = 500


def _is_protected_key(key: str) -> bool:
    key = key.lower()
    return any(key == protected or key.endswith(f"_{protected}") for protected in PROTECTED_CONTEXT_KEYS)


def _check_context(context: dict[str, Any], *, nested: bool = False) -> None:
    """Plain values only; at the top level also a list of rows (dicts of plain values), e.g. the
    studies of an alert digest. No protected key at any level."""
    for key, value in context.items():
        if not isinstance(key, str):
            raise TypeError(f"email context keys must be strings, not {type(key).__name__}")
        if _is_protected_key(key):
            raise ValueError(f"email context may not carry protected field {key!r}")
        if not nested and isinstance(value, list) and all(isinstance(row, dict) for row in value):
            for row in value:
                _check_context(row, nested=True)
        elif not isinstance(value, _PLAIN):
            raise TypeError(f"email context value {key!r} must be a plain value, not {type(value).__name__}")


# Headers a caller may not set: the outbox owns them (or they would let a caller forge the envelope).
_RESERVED_HEADERS = frozenset({"message-id", "from", "to", "cc", "bcc", "subject", "sender", "reply-to"})


def _check_headers(headers: dict[str, str]) -> None:
    for name, value in headers.items():
        if not isinstance(name, str) or not isinstance(value, str):
            raise TypeError("email headers are strings")
        if name.lower() in _RESERVED_HEADERS or not name.replace("-", "").isalnum():
            raise ValueError(f"email header {name!r} may not be set by the caller")
        if "\n" in value or "\r" in value:
            raise ValueError(f"email header {name!r} may not hold a line break")


def _email_language(language: str | None) -> str:
    code = language or translation.get_language() or settings.LANGUAGE_CODE
    try:
        return translation.get_supported_language_variant(code)
    except LookupError:
        raise ValueError(f"email language {code!r} is not one of settings.LANGUAGES") from None


def _enqueue_on_commit(email_id: int, countdown: int | None = None) -> None:
    """Ask Celery to send the email once the current transaction commits.

    ``robust``: a broker outage must not turn the committed change into an error page; the
    row stays queued and ``requeue_stuck`` sends it later.
    """
    def enqueue_outbox_email() -> None:
        from .tasks import send_outbox_email

        send_outbox_email.apply_async((email_id,), countdown=countdown)

    transaction.on_commit(enqueue_outbox_email, robust=True)


def queue_email(
    recipient: str,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    idempotency_key: str | None = None,
    language: str | None = None,
    headers: dict[str, str] | None = None,
) -> OutboxEmail:
    """Owe ``recipient`` the email ``template``; Celery sends it after the transaction commits.

    The context holds plain values only and no protected keys. The template is rendered now,
    so a missing or broken template fails in the caller (and its tests), not in the worker.
    ``language`` defaults to the active language. The same ``idempotency_key`` never produces
    a second email: the existing row is returned. ``headers`` are added to the message as they
    are (e.g. ``List-Unsubscribe``); the outbox's own headers cannot be overridden.
    """
    context = dict(context or {})
    _check_context(context)
    headers = dict(headers or {})
    _check_headers(headers)
    try:
        validate_email(recipient)
    except ValidationError:
        raise ValueError("the recipient is not a valid email address") from None
    language = _email_language(language)
    key = idempotency_key or f"{template}:{uuid.uuid4()}"
    if len(key) > OutboxEmail._meta.get_field("idempotency_key").max_length:
        raise ValueError("idempotency_key is longer than 200 characters")
    render_email(template, context, language)
    email, created = OutboxEmail.objects.get_or_create(
        idempotency_key=key,
        defaults={"recipient": recipient, "template": template, "context": context, "language": language,
                  "headers": headers},
    )
    if created:
        _enqueue_on_commit(email.pk)
    return email


BATCH_TASK_SIZE = 100


def queue_emails(emails: Iterable[dict[str, Any]]) -> int:
    """Owe many emails at once (a periodic digest): ``queue_email``'s rules, in a few queries.

    Each item holds ``recipient``, ``template``, ``context``, ``idempotency_key`` and optionally
    ``language`` and ``headers``. Every context is checked; each template is rendered once per
    language (to fail here, not in the worker); rows whose key exists already are left alone.
    Sent by Celery after commit, ``BATCH_TASK_SIZE`` emails per task. Returns the rows written.
    """
    rows, rendered = [], set()
    for item in emails:
        context = dict(item.get("context") or {})
        _check_context(context)
        headers = dict(item.get("headers") or {})
        _check_headers(headers)
        try:
            validate_email(item["recipient"])
        except ValidationError:
            raise ValueError("the recipient is not a valid email address") from None
        language = _email_language(item.get("language"))
        if (item["template"], language) not in rendered:
            render_email(item["template"], context, language)
            rendered.add((item["template"], language))
        rows.append(OutboxEmail(recipient=item["recipient"], template=item["template"], context=context,
                                language=language, headers=headers, idempotency_key=item["idempotency_key"]))
    if not rows:
        return 0
    keys = [row.idempotency_key for row in rows]
    existing = set(OutboxEmail.objects.filter(idempotency_key__in=keys).values_list("idempotency_key", flat=True))
    OutboxEmail.objects.bulk_create([row for row in rows if row.idempotency_key not in existing],
                                    ignore_conflicts=True, batch_size=1000)
    ids = list(OutboxEmail.objects.filter(idempotency_key__in=[key for key in keys if key not in existing],
                                          status=OutboxEmail.Status.QUEUED).values_list("pk", flat=True))

    def enqueue_outbox_batches() -> None:
        from .tasks import send_outbox_emails

        for start in range(0, len(ids), BATCH_TASK_SIZE):
            send_outbox_emails.delay(ids[start:start + BATCH_TASK_SIZE])

    if ids:
        transaction.on_commit(enqueue_outbox_batches, robust=True)
    return len(ids)


def _render_text(name: str, context: dict[str, Any]) -> str:
    # Plain-text emails are not HTML: "&" stays "&".
    return Engine.get_default().get_template(name).render(Context(context, autoescape=False))


def render_email(template: str, context: dict[str, Any], language: str = "en") -> tuple[str, str, str | None]:
    """Subject, text body and optional HTML body of an outbox email, in ``language``."""
    full_context = {**context, "site_url": settings.SITE_URL}
    with translation.override(language):
        subject = _render_text(f"emails/{template}.subject.txt", full_context)
        text = _render_text(f"emails/{template}.txt", full_context)
        try:
            html = render_to_string(f"emails/{template}.html", full_context)
        except TemplateDoesNotExist:
            html = None
    return " ".join(subject.split()), text, html


def deliver(email: OutboxEmail) -> None:
    """Hand one outbox email to the mail backend (SMTP in production)."""
    subject, text, html = render_email(email.template, email.context, email.language)
    message = EmailMultiAlternatives(
        subject=subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=[email.recipient],
        headers={**(email.headers or {}), "Message-ID": email.message_id, "Auto-Submitted": "auto-generated"},
    )
    if html:
        message.attach_alternative(html, "text/html")
    message.send(fail_silently=False)


def backoff_seconds(attempts: int) -> int:
    """Wait before the next attempt: the base (30 s), doubling per failure, capped at one hour."""
    return min(settings.OUTBOX_BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0), MAX_BACKOFF_SECONDS)


def _is_permanent(error: Exception) -> bool:
    """The SMTP server refused this message for good (a 5xx answer to its recipient or data).

    Authentication or sender errors are left to the retries: they are configuration, fixed
    by an administrator, after which the queued emails go out by themselves.
    """
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        return bool(codes) and all(code >= 500 for code in codes)
    if isinstance(error, smtplib.SMTPDataError):
        return error.smtp_code >= 500
    return False


def send_queued_email(email_id: int) -> str:
    """Deliver one queued email if it is due, and record the outcome; returns what happened.

    The row is locked (``FOR UPDATE SKIP LOCKED``) from the check to the final save: a second
    task for the same row skips it while it is being sent and finds it sent afterwards. A task
    that arrives before ``next_attempt_at`` (a duplicate of a retry still waiting out its
    back-off) leaves the row to the retry.
    """
    with transaction.atomic():
        email = (OutboxEmail.objects.select_for_update(skip_locked=True)
                 .filter(pk=email_id, status=OutboxEmail.Status.QUEUED).first())
        if email is None:
            return "nothing to do"
        if email.next_attempt_at > timezone.now() + CLOCK_TOLERANCE:
            return "not due"
        email.attempts += 1
        try:
            deliver(email)
        except Exception as error:  # every delivery error is recorded, then retried or final
            return _record_failure(email, error)
        email.status = OutboxEmail.Status.SENT
        email.sent_at = timezone.now()
        email.save(update_fields=["attempts", "status", "sent_at", "updated_at"])
    logger.info("outbox email %s sent (%s, attempt %s)", email.pk, email.template, email.attempts)
    return "sent"


def _record_failure(email: OutboxEmail, error: Exception) -> str:
    email.last_error = scrub(f"{type(error).__name__}: {error}")[:2000]
    if _is_permanent(error) or email.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        email.status = OutboxEmail.Status.FAILED
        outcome = "failed"
        logger.error("outbox email %s failed for good after %s attempt(s)", email.pk, email.attempts)
    else:
        delay = backoff_seconds(email.attempts)
        email.next_attempt_at = timezone.now() + timedelta(seconds=delay)
        _enqueue_on_commit(email.pk, delay)
        outcome = f"retry in {delay}s"
        logger.warning("outbox email %s attempt %s failed; retry in %ss", email.pk, email.attempts, delay)
    email.save(update_fields=["attempts", "last_error", "status", "next_attempt_at", "updated_at"])
    return outcome


def requeue_stuck() -> int:
    """Queue again the emails that are due but were not sent (a lost task, a broker outage).

    Safe to run on several machines at once and twice in a row: the rows are locked while
    they are picked (a concurrent run skips them) and touched, so they count as stuck again
    only after ``OUTBOX_STUCK_AFTER``. It only enqueues; ``send_queued_email`` guards delivery.
    """
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            OutboxEmail.objects.select_for_update(skip_locked=True)
            .filter(status=OutboxEmail.Status.QUEUED, next_attempt_at__lte=now,
                    updated_at__lte=now - settings.OUTBOX_STUCK_AFTER)
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)[:REQUEUE_BATCH]
        )
        OutboxEmail.objects.filter(pk__in=ids).update(updated_at=now)
        for email_id in ids:
            _enqueue_on_commit(email_id)
    if ids:
        logger.info("re-queued %s stuck outbox email(s)", len(ids))
    return len(ids)


def retry(email_ids: Iterable[int]) -> int:
    """Send the given unsent emails again now, with a fresh budget of attempts.

    Sent emails are left alone, and so is a row a worker is sending at this moment.
    Returns how many were queued again.
    """
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            OutboxEmail.objects.select_for_update(skip_locked=True)
            .filter(pk__in=list(email_ids))
            .exclude(status=OutboxEmail.Status.SENT)
            .values_list("pk", flat=True)
        )
        OutboxEmail.objects.filter(pk__in=ids).update(
            status=OutboxEmail.Status.QUEUED, attempts=0, next_attempt_at=now, updated_at=now,
        )
        for email_id in ids:
            _enqueue_on_commit(email_id)
    return len(ids)
