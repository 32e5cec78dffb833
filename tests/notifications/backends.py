"""A mail backend whose SMTP server refuses every message, for the failure paths of the outbox."""

from __future__ import annotations

import smtplib

from django.core.mail.backends.base import BaseEmailBackend


class RefusingBackend(BaseEmailBackend):
    """Raises ``RefusingBackend.error`` for every message (set by the ``smtp_refuses`` fixture)."""

    error: Exception = smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    def send_messages(self, email_messages):
        raise self.error
