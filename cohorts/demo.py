"""Demo biobank access: the demo researcher is approved (email verified, IRB protocol on record);
the second demo researcher's application waits for biobank staff. Idempotent."""

from __future__ import annotations

from django.utils import timezone

from accounts.demo import demo_email
from accounts.models import User

from .models import BiobankAccess

APPLICATIONS = [
    ("researcher", BiobankAccess.Status.APPROVED, "Type 2 diabetes outcomes and biomarkers (synthetic)."),
    ("researcher2", BiobankAccess.Status.PENDING, "Plasma proteomics in older adults (synthetic)."),
]


def load() -> str:
    made = 0
    for local, status, purpose in APPLICATIONS:
        user = User.objects.filter(email=demo_email(local)).first()
        if user is None or BiobankAccess.objects.filter(user=user).exists():
            continue
        BiobankAccess.objects.create(user=user, irb_protocol="IRB-2026-0142", institution="DCR demo institute",
                                     purpose=purpose, status=status, email_verified_at=timezone.now())
        made += 1
    return f"{made} biobank access application(s)" if made else ""
