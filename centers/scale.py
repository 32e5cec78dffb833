"""Synthetic centres at production scale: 25 centres and units, two services each, one DCR staff
member per centre (scale-staff-NN@scale.example.org) and a head of division (a superuser, no password). Idempotent: a second run adds nothing.

Slugs scale-centre-NN and scale-service-NN-K are reserved for it.
"""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db import transaction

from accounts import roles
from accounts.models import User

from .models import Center, Service, StaffMembership

CENTERS = 25
SERVICES_PER_CENTER = 2
FIELDS = ["biostatistics", "omics", "outcomes research", "EHR research", "qualitative research", "recruitment",
          "regulatory affairs", "budgeting", "grant writing", "project management"]


HEAD_EMAIL = "scale-head@scale.example.org"


def staff_email(n: int) -> str:
    return f"scale-staff-{n:02d}@scale.example.org"


def seed(stdout=None, factor: float = 1.0) -> str:
    """Centres do not grow with ``factor``: a division has a few tens of them at any size."""
    if Center.objects.filter(slug__startswith="scale-centre-").count() >= CENTERS:
        return f"already at scale ({CENTERS} scale centres)"
    with transaction.atomic():
        centers = Center.objects.bulk_create([
            Center(name=f"Scale {'unit' if n % 2 else 'centre'} {n:02d} for {FIELDS[n % len(FIELDS)]} (synthetic)",
                   slug=f"scale-centre-{n:02d}", kind=Center.Kind.UNIT if n % 2 else Center.Kind.CENTER,
                   mission=f"Helps researchers with {FIELDS[n % len(FIELDS)]}.",
                   description="A synthetic centre created for load testing.",
                   contact_email=f"scale-centre-{n:02d}@scale.example.org")
            for n in range(1, CENTERS + 1)
        ], ignore_conflicts=True)
        centers = list(Center.objects.filter(slug__startswith="scale-centre-").order_by("slug"))
        Service.objects.bulk_create([
            Service(name=f"{center.name[:-12]} service {k} (synthetic)", slug=f"{center.slug.replace('centre', 'service')}-{k}",
                    summary="A synthetic service for load testing.", description="Synthetic.", center=center,
                    typical_hours_min=6, typical_hours_max=8)
            for center in centers for k in range(1, SERVICES_PER_CENTER + 1)
        ], ignore_conflicts=True)
        User.objects.bulk_create([
            User(email=staff_email(n), full_name=f"Scale Staff {n:02d} (synthetic)", is_staff=True, password="!")
            for n in range(1, CENTERS + 1)
        ], ignore_conflicts=True)
        # The head of the division sees the whole division (dashboards over every centre).
        User.objects.bulk_create([User(email=HEAD_EMAIL, full_name="Scale Head of Division (synthetic)", is_staff=True,
                                       is_superuser=True, password="!")], ignore_conflicts=True)
        staff = list(User.objects.filter(email__startswith="scale-staff-").order_by("email"))
        group, _ = Group.objects.get_or_create(name=roles.DCR_STAFF)
        group.user_set.add(*staff)
        StaffMembership.objects.bulk_create([
            StaffMembership(user=user, center=center, title="Consultant (synthetic)")
            for user, center in zip(staff, centers)
        ], ignore_conflicts=True)
    return f"{CENTERS} centres and units, {CENTERS * SERVICES_PER_CENTER} services, {CENTERS} staff"
