from __future__ import annotations

import hashlib
from email.utils import parseaddr

from django.conf import settings
from django.db import models
from django.utils import timezone


class OutboxEmail(models.Model):
    """An email the portal owes someone.

    Written in the same transaction as the change that causes it, sent by a Celery task
    after commit, retried with back-off; ``requeue_stuck_emails`` picks up what a lost task
    left behind. The context holds plain values only, never protected data: emails say
    "there is news, sign in to read it".
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    recipient = models.EmailField(max_length=254)
    template = models.CharField(max_length=100, help_text="Name under templates/emails/.")
    context = models.JSONField(default=dict, blank=True)
    # Extra headers of this one message (e.g. List-Unsubscribe); plain strings, no protected data.
    headers = models.JSONField(default=dict, blank=True)
    language = models.CharField(max_length=8, default="en")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    idempotency_key = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due_idx",
                         condition=models.Q(status="queued")),
            models.Index(fields=["-created_at"], name="outbox_created_idx"),
        ]
        verbose_name = "outbox email"

    def __str__(self) -> str:
        return f"{self.template} #{self.pk} ({self.status})"

    @property
    def message_id(self) -> str:
        """The Message-ID header: the same on every attempt, so a receiver can drop a duplicate.

        Made of the row id and a digest of the idempotency key (which may name a person's
        record), never the key itself.
        """
        digest = hashlib.sha256(self.idempotency_key.encode()).hexdigest()[:20]
        domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "dcr-portal.invalid"
        return f"<outbox.{self.pk}.{digest}@{domain}>"
