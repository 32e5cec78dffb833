"""A budget at the size the benchmark measures: 10 arms x 40 visits x 50 procedures (20,000 cells),
on a project of the benchmark's researcher. Idempotent."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from accounts.models import User
from projects.models import Member, Project, Rights, Role

from .models import FA_RATES, Arm, Budget, Cell, Procedure, Visit

TITLE = "Synthetic scale budget"
ARMS, VISITS, PROCEDURES = 10, 40, 50


def seed(stdout=None, factor: float = 1.0, email: str = "scale-researcher-0001@scale.example.org") -> str:
    if Budget.objects.filter(title=TITLE).exists():
        return "already at scale (1 budget)"
    researcher = User.objects.filter(email=email).first()
    if researcher is None:
        return "no scale researcher: run the consultations seeder first"
    with transaction.atomic():
        project = Project.objects.create(title="Synthetic scale project", pi=researcher, irb_number="SCALE-BUDGET",
                                         created_by=researcher)
        Member.objects.create(project=project, user=researcher, role=Role.PI, rights=Rights.EDIT, added_by=researcher)
        budget = Budget.objects.create(project=project, title=TITLE, fa_rate=FA_RATES["federal"],
                                       created_by=researcher)
        arms = Arm.objects.bulk_create([Arm(budget=budget, position=n, name=f"Arm {n}", patients=20 + n,
                                            screen_failures=n % 4) for n in range(1, ARMS + 1)])
        visits = Visit.objects.bulk_create([Visit(budget=budget, position=n, name=f"Visit {n}")
                                            for n in range(1, VISITS + 1)])
        procedures = Procedure.objects.bulk_create([
            Procedure(budget=budget, position=n, name=f"Procedure {n}", unit_cost=Decimal(25 + n))
            for n in range(1, PROCEDURES + 1)])
        Cell.objects.bulk_create([Cell(arm=a, visit=v, procedure=p, count=1 + (a.position + v.position + p.position) % 3)
                                  for a in arms for v in visits for p in procedures], batch_size=5000)
    return f"1 budget of {ARMS} arms x {VISITS} visits x {PROCEDURES} procedures"
