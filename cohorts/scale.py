"""Scale data of the cohort builder: the scale researchers get approved biobank access, so that
the benchmark may ask questions. Idempotent."""

from __future__ import annotations

from django.utils import timezone

from accounts.models import User

from .access import APPROVED
from .models import BiobankAccess


def seed(stdout=None, factor: float = 1.0) -> str:
    researchers = User.objects.filter(email__startswith="scale-researcher-", biobank_access__isnull=True)
    made = BiobankAccess.objects.bulk_create([
        BiobankAccess(user=user, irb_protocol="SCALE-IRB-0001", institution="Scale Institute", purpose="Benchmark.",
                      status=BiobankAccess.Status.APPROVED, email_verified_at=timezone.now())
        for user in researchers])
    if made:
        APPROVED.invalidate()  # bulk_create sends no signal
    return f"{len(made)} researchers given biobank access"
