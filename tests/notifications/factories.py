"""Factories for outbox rows written directly (without queue_email, so nothing is sent)."""

from __future__ import annotations

import factory

from notifications.models import OutboxEmail


class OutboxEmailFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutboxEmail

    recipient = factory.Sequence(lambda n: f"reader{n}@example.org")
    template = "welcome"
    context = factory.LazyFunction(dict)
    language = "en"
    idempotency_key = factory.Sequence(lambda n: f"test:{n}")
