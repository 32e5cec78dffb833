"""Synthetic consultation requests at production scale: 50,000 requests from 2,000 researchers
over two years, with their first status change, two messages each and the hours logged on the
requests being worked. Written with COPY; idempotent (a second run adds nothing).

Emails scale-researcher-NNNN@scale.example.org and references DCR-YYYY-9NNNNNN are reserved for it.
Run after the centres seeder (it spreads the requests over their services and staff).
"""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.utils import timezone

from accounts import roles
from accounts.models import User
from centers.models import Service, StaffMembership
from common.scale import copy_line, copy_rows, scaled, settle, with_defaults

from .models import ConsultationRequest, FundingStatus, Status, StudyStage

REQUESTS = 50_000
RESEARCHERS = 2_000
TITLE_PREFIX = "Synthetic request"
# Spread of a year's requests over the statuses (weights).
STATUS_WEIGHTS = [(Status.SUBMITTED, 8), (Status.TRIAGED, 6), (Status.ASSIGNED, 6), (Status.IN_PROGRESS, 10),
                  (Status.ON_HOLD, 3), (Status.COMPLETED, 55), (Status.DECLINED, 7), (Status.WITHDRAWN, 5)]
WORKED = {Status.IN_PROGRESS, Status.COMPLETED}
TOPICS = ["sample size", "budget", "IRB application", "recruitment plan", "data management", "survey design",
          "grant aims", "statistical analysis plan", "biomarker assay", "EHR cohort"]


def researcher_email(n: int) -> str:
    return f"scale-researcher-{n:04d}@scale.example.org"


def _researchers(count: int) -> list[int]:
    User.objects.bulk_create([
        User(email=researcher_email(n), full_name=f"Scale Researcher {n:04d} (synthetic)", password="!",
             organisation="Synthetic Department")
        for n in range(1, count + 1)
    ], ignore_conflicts=True)
    people = list(User.objects.filter(email__startswith="scale-researcher-").order_by("email")[:count])
    group, _ = Group.objects.get_or_create(name=roles.RESEARCHER)
    group.user_set.add(*people)
    return [person.pk for person in people]


def seed(stdout=None, factor: float = 1.0) -> str:
    total = scaled(REQUESTS, factor, minimum=50)
    existing = ConsultationRequest.objects.filter(title__startswith=TITLE_PREFIX).count()
    if existing >= total:
        return f"already at scale ({existing:,} scale requests)"
    if existing:
        return "a partial scale data set exists; remove the requests titled 'Synthetic request ...' first"
    services = list(Service.objects.filter(slug__startswith="scale-service-").order_by("slug").values_list("pk", "center_id"))
    if not services:
        return "no scale centres: run the centers seeder first"
    staff_of = dict(StaffMembership.objects.filter(center_id__in={c for _, c in services})
                    .values_list("center_id", "user_id"))
    rng = random.Random(2026)  # nosec B311
    now = timezone.now()
    statuses = [s for s, weight in STATUS_WEIGHTS for _ in range(weight)]
    with transaction.atomic(), connection.cursor() as cursor:
        researchers = _researchers(scaled(RESEARCHERS, factor, minimum=5))
        rows = []
        for n in range(total):
            service_id, center_id = services[n % len(services)]
            submitted = now - timedelta(days=730 * n / total, hours=rng.randrange(24))
            status = rng.choice(statuses) if submitted < now - timedelta(days=60) else rng.choice(statuses[:33])
            assignee = staff_of.get(center_id) if status in {Status.ASSIGNED, *WORKED} else None
            if status in {Status.ASSIGNED, *WORKED} and assignee is None:
                status = Status.TRIAGED
            triaged = submitted + timedelta(days=rng.randrange(1, 6)) if status != Status.SUBMITTED else None
            completed = triaged + timedelta(days=rng.randrange(10, 90)) if status == Status.COMPLETED else None
            hours = Decimal("3.50") if status in WORKED else Decimal("0")
            rows.append((n, researchers[n % len(researchers)], service_id, center_id, status, assignee, submitted,
                         triaged, completed, hours))
        if stdout:
            stdout.write(f"  consultations: {total:,} requests ...")
        columns, defaults = with_defaults(
            ConsultationRequest, "reference, requester_id, service_id, center_id, title, summary, study_stage, "
            "funding_status, sponsor, deadline, status, assignee_id, priority, hours_allotted, hours_used, "
            "submitted_at, overdue_at, triaged_at, completed_at, updated_at")
        copy_rows(cursor, ConsultationRequest._meta.db_table, columns,
                  (copy_line([f"DCR-{submitted.year}-9{n:06d}", requester, service, center,
                              f"{TITLE_PREFIX} {n} on {TOPICS[n % len(TOPICS)]}",
                              "A synthetic project summary for load testing.", StudyStage.values[n % 7],
                              FundingStatus.values[n % 5], "Synthetic Foundation" if n % 5 >= 2 else "", None,
                              status, assignee, 1 + n % 4, "8.00", hours, submitted,
                              submitted + timedelta(days=2), triaged, completed, now, *defaults])
                   for n, requester, service, center, status, assignee, submitted, triaged, completed, hours in rows))
        ids = dict(ConsultationRequest.objects.filter(title__startswith=TITLE_PREFIX).values_list("reference", "pk"))
        keyed = [(ids[f"DCR-{row[6].year}-9{row[0]:06d}"], row) for row in rows]
        if stdout:
            stdout.write(f"  consultations: status changes, {2 * total:,} messages, time entries ...")
        copy_rows(cursor, "consultations_statuschange", "request_id, from_status, to_status, changed_by_id, changed_at, note",
                  (copy_line([pk, "", Status.SUBMITTED, row[1], row[6], ""]) for pk, row in keyed))
        copy_rows(cursor, "consultations_message", "request_id, author_id, body, internal, created_at",
                  (copy_line([pk, author, body, False, row[6] + timedelta(hours=hours)])
                   for pk, row in keyed
                   for author, body, hours in ((row[1], "A synthetic question about the project.", 1),
                                               (row[5] or row[1], "A synthetic answer.", 30))))
        copy_rows(cursor, "consultations_timeentry", "request_id, consultant_id, hours, date, note, created_at",
                  (copy_line([pk, row[5], hours, min((row[7] + timedelta(days=day)).date(), now.date()), "Synthetic work", row[7]])
                   for pk, row in keyed if row[4] in WORKED for hours, day in (("1.50", 1), ("2.00", 3))))
        # One service line per request, in its status; one request in four still waiting has a second service.
        unit_of = dict(Service.objects.filter(pk__in={s for s, _ in services}).values_list("pk", "unit"))
        copy_rows(cursor, "consultations_lineitem", "request_id, position, service_id, center_id, quantity, unit, "
                  "funding_type, unit_price, priced_on, status, assignee_id, updated_at",
                  (copy_line([pk, position, service, center, "8.00", unit_of[service], "federal", "95.00",
                              row[6].date(), row[4] if position == 1 else Status.SUBMITTED,
                              row[5] if position == 1 else None, now])
                   for pk, row in keyed
                   for position, (service, center) in enumerate(
                       [(row[2], row[3])] + ([services[(row[0] + 1) % len(services)]]
                                             if row[4] == Status.SUBMITTED and row[0] % 4 == 0 else []), start=1)))
    settle("consultations_consultationrequest", "consultations_statuschange", "consultations_message",
           "consultations_timeentry", "consultations_lineitem")
    return f"{total:,} requests from {len(researchers):,} researchers, {2 * total:,} messages"
