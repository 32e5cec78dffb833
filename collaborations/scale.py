"""Partnership inquiries at scale: 20,000 from partners without an account (``factor`` times as
many) and 12 sent by a signed-in collaborator (scale-collaborator@scale.example.org), whose "My
partnership inquiries" the benchmark measures. Idempotent (a second run adds nothing).

References PI-SCALE-NNNNNNN are reserved for it.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from accounts import roles
from accounts.models import User
from common.scale import scaled

from .models import Inquiry

INQUIRIES = 20_000
OWN = 12
COLLABORATOR_EMAIL = "scale-collaborator@scale.example.org"
PREFIX = "PI-SCALE-"


def seed(stdout=None, factor: float = 1.0) -> str:
    total = scaled(INQUIRIES, factor, minimum=OWN + 1)
    existing = Inquiry.objects.filter(reference__startswith=PREFIX).count()
    if existing >= total:
        return f"already at scale ({existing:,} scale partnership inquiries)"
    if existing:
        return f"a partial scale data set exists; remove the inquiries {PREFIX}... first"
    now = timezone.now()
    step = total // OWN
    kinds, areas, statuses = Inquiry.Kind.values, Inquiry.Area.values, Inquiry.Status.values
    with transaction.atomic():
        collaborator, _ = User.objects.get_or_create(email=COLLABORATOR_EMAIL, defaults={
            "full_name": "Scale Collaborator (synthetic)", "password": make_password(None),
            "organisation": "Synthetic Partner Inc."})
        Group.objects.get_or_create(name=roles.COLLABORATOR)[0].user_set.add(collaborator)
        Inquiry.objects.bulk_create([
            Inquiry(reference=f"{PREFIX}{n:07d}", organisation=f"Synthetic partner {n % 500}",
                    kind=kinds[n % len(kinds)], contact_name=f"Scale Partner {n} (synthetic)",
                    contact_email=f"scale-partner-{n}@scale.example.org", area=areas[n % len(areas)],
                    proposal="A synthetic proposal for load testing.", status=statuses[n % len(statuses)],
                    submitted_by=collaborator if n % step == 0 and n // step < OWN else None,
                    submitted_at=now - timedelta(days=730 * (total - n) / total))
            for n in range(total)], batch_size=5000)
    return f"{total:,} partnership inquiries, {OWN} of them from the scale collaborator"
