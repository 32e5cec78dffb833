from __future__ import annotations

import smtplib

import pytest

from tests.notifications.backends import RefusingBackend


@pytest.fixture
def smtp_refuses(settings, monkeypatch):
    """Make the mail server refuse messages with the error passed (a temporary failure by default)."""
    settings.EMAIL_BACKEND = "tests.notifications.backends.RefusingBackend"

    def refuse_with(error: Exception = smtplib.SMTPServerDisconnected("Connection unexpectedly closed")):
        monkeypatch.setattr(RefusingBackend, "error", error)

    refuse_with()
    return refuse_with
