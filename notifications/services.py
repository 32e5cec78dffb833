"""Queue an email: the only way the portal sends one.

``queue_email`` writes an ``OutboxEmail`` row inside the caller's transaction and asks Celery
to send it once the transaction commits; if the change rolls back, no email is owed. The
context must be plain JSON values and may not carry protected keys.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import translation

from accounts.protected import PROTECTED_CONTEXT_KEYS

from .models import OutboxEmail

_PLAIN = (str, int, float, bool, type(None))


def _check_context(context: dict[str, Any]) -> None:
    for key, value in context.items():
        if key.lower() in PROTECTED_CONTEXT_KEYS:
            raise ValueError(f"email context may not carry protected field {key!r}")
        if not isinstance(value, _PLAIN):
            raise TypeError(f"email context value {key!r} must be a plain value, not {type(value).__name__}")


def queue_email(
    recipient: str,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    idempotency_key: str | None = None,
    language: str | None = None,
) -> OutboxEmail:
    """Owe ``recipient`` the email ``template``; sent by Celery after the transaction commits.

    The same ``idempotency_key`` never produces a second email.
    """
    context = dict(context or {})
    _check_context(context)
    render_email(template, context, language or "en")  # fail now, not in the worker
    key = idempotency_key or f"{template}:{uuid.uuid4()}"
    email, created = OutboxEmail.objects.get_or_create(
        idempotency_key=key,
        defaults={"recipient": recipient, "template": template, "context": context,
                  "language": language or translation.get_language() or "en"},
    )
    if created:
        from .tasks import send_outbox_email

        transaction.on_commit(lambda: send_outbox_email.delay(email.pk))
    return email


def render_email(template: str, context: dict[str, Any], language: str = "en") -> tuple[str, str, str | None]:
    """Subject, text body and optional HTML body of an outbox email."""
    full_context = {**context, "site_url": settings.SITE_URL}
    with translation.override(language):
        subject = render_to_string(f"emails/{template}.subject.txt", full_context).strip()
        text = render_to_string(f"emails/{template}.txt", full_context)
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
        headers={"Message-ID": f"<outbox-{email.pk}-{email.idempotency_key.replace(':', '-')[:60]}@dcr-portal>"
                 .replace(" ", "")},
    )
    if html:
        message.attach_alternative(html, "text/html")
    message.send(fail_silently=False)
