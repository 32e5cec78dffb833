"""Synthetic studies at production scale: 1,000 studies over the scale centres (three in four
public, most of them recruiting), with conditions, two pre-screen questions each and 100,000
"I'm interested" inquiries, and 20 registry sites each over US cities (for the finder's "near me").
Written with COPY; idempotent (a second run adds nothing).

IRB protocols SCALE-NNNNN and inquiry references INQ-SCALE-NNNNNNN are reserved for it.
Run after the centres seeder.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from centers.models import Center
from common.scale import copy_line, copy_rows, scaled, with_defaults

from .models import Condition, Interest, Location, PrescreenQuestion, Study
from .scale_people import seed_people
from .search import refresh_search_vectors

STUDIES = 1_000
INTERESTS = 100_000
CONDITIONS = ["Asthma", "Type 2 diabetes", "Hypertension", "Heart failure", "Breast cancer", "Prostate cancer",
              "Depression", "Anxiety", "Migraine", "Obesity", "Chronic kidney disease", "COPD", "Rheumatoid arthritis",
              "Psoriasis", "Crohn's disease", "Alzheimer's disease", "Parkinson's disease", "Multiple sclerosis",
              "Sickle cell disease", "HIV", "Hepatitis C", "Osteoporosis", "Sleep apnea", "Epilepsy", "Lupus",
              "Atrial fibrillation", "Stroke", "Lung cancer", "Colorectal cancer", "Healthy ageing"]
INTERVENTIONS = ["a new tablet", "an exercise programme", "a mobile app", "a diet", "an injection", "a device",
                 "a blood test", "sleep habits", "a vaccine", "talking therapy"]
STATUS_WEIGHTS = [(Study.Status.RECRUITING, 55), (Study.Status.NOT_YET_RECRUITING, 10),
                  (Study.Status.ACTIVE_NOT_RECRUITING, 15), (Study.Status.COMPLETED, 15), (Study.Status.TERMINATED, 5)]
INTEREST_STATUSES = [(Interest.Status.NEW, 30, 0), (Interest.Status.CONTACTED, 25, 1), (Interest.Status.INELIGIBLE, 15, 1),
                     (Interest.Status.ELIGIBLE, 10, 2), (Interest.Status.CONSENTED, 5, 3),
                     (Interest.Status.ENROLLED, 10, 4), (Interest.Status.DECLINED, 5, 1)]


def _conditions() -> list[int]:
    Condition.objects.bulk_create([Condition(name=name, slug=slugify(name)) for name in CONDITIONS],
                                  ignore_conflicts=True)
    return list(Condition.objects.filter(slug__in=[slugify(n) for n in CONDITIONS]).order_by("slug")
                .values_list("pk", flat=True))


# (city, state, latitude, longitude): the sites of the scale studies, with a little jitter each.
SITE_CITIES = [("Lebanon", "New Hampshire", 43.6423, -72.2518), ("Boston", "Massachusetts", 42.3601, -71.0589),
               ("New York", "New York", 40.7128, -74.0060), ("Philadelphia", "Pennsylvania", 39.9526, -75.1652),
               ("Baltimore", "Maryland", 39.2904, -76.6122), ("Chicago", "Illinois", 41.8781, -87.6298),
               ("Houston", "Texas", 29.7604, -95.3698), ("Denver", "Colorado", 39.7392, -104.9903),
               ("Seattle", "Washington", 47.6062, -122.3321), ("Los Angeles", "California", 34.0522, -118.2437),
               ("Atlanta", "Georgia", 33.7490, -84.3880), ("Minneapolis", "Minnesota", 44.9778, -93.2650),
               ("Nashville", "Tennessee", 36.1627, -86.7816), ("Portland", "Maine", 43.6591, -70.2568),
               ("Burlington", "Vermont", 44.4759, -73.2121), ("Miami", "Florida", 25.7617, -80.1918)]
SITES_PER_STUDY = 20


def seed_sites(rng: random.Random) -> int:
    """20 sites for each scale study that has none (the first one ours, at the hospital)."""
    study_ids = list(Study.objects.filter(irb_protocol__startswith="SCALE-", locations__isnull=True)
                     .order_by("irb_protocol").values_list("pk", flat=True))
    columns, defaults = with_defaults(Location, "study_id, facility, city, state, zip_code, country, status, "
                                      "latitude, longitude, is_ours, \"order\"")
    with connection.cursor() as cursor:
        copy_rows(cursor, Location._meta.db_table, columns, (
            copy_line([pk, f"Scale site {k} of study {n} (synthetic)", city, state, "", "United States", "recruiting",
                       round(lat + rng.uniform(-0.2, 0.2), 4), round(lon + rng.uniform(-0.2, 0.2), 4), k == 0, k,
                       *defaults])
            for n, pk in enumerate(study_ids) for k in range(SITES_PER_STUDY)
            for city, state, lat, lon in [SITE_CITIES[0] if k == 0 else SITE_CITIES[(n + k * 3) % len(SITE_CITIES)]]))
        cursor.execute(f"ANALYZE {Location._meta.db_table}")
    return len(study_ids) * SITES_PER_STUDY


def seed(stdout=None, factor: float = 1.0) -> str:
    studies = scaled(STUDIES, factor, minimum=10)
    interests = scaled(INTERESTS, factor, minimum=100)
    existing = Study.objects.filter(irb_protocol__startswith="SCALE-").count()
    if existing >= studies:
        with transaction.atomic():
            sites = seed_sites(random.Random(2027))  # nosec B311: seeded generator for synthetic scale data
            people = seed_people(factor)
        return f"already at scale ({existing:,} scale studies{f', {sites:,} sites added' if sites else ''}){people}"
    if existing:
        return "a partial scale data set exists; remove the studies with IRB protocol SCALE-... first"
    centers = list(Center.objects.filter(slug__startswith="scale-centre-").order_by("slug").values_list("pk", flat=True))
    if not centers:
        return "no scale centres: run the centers seeder first"
    rng = random.Random(2026)  # nosec B311: seeded generator for synthetic scale data
    now = timezone.now()
    statuses = [s for s, weight in STATUS_WEIGHTS for _ in range(weight)]
    with transaction.atomic(), connection.cursor() as cursor:
        condition_ids = _conditions()
        if stdout:
            stdout.write(f"  studies: {studies:,} studies ...")
        columns, defaults = with_defaults(
            Study, "title, short_title, lay_title, summary, nct_id, irb_protocol, phase, status, is_public, keywords, "
            "eligibility, min_age, max_age, sex, healthy_volunteers, center_id, pi_name, contact_name, "
            "contact_email, contact_phone, trc_inpatient, inpatient_nights, compensation, visits, created_at, "
            "updated_at")
        copy_rows(cursor, Study._meta.db_table, columns,
                  (copy_line([
                      f"A randomised study of {INTERVENTIONS[n % 10]} in {CONDITIONS[n % 30].lower()} (synthetic {n})",
                      f"SCL-{n}", f"Testing {INTERVENTIONS[n % 10]} for {CONDITIONS[n % 30].lower()} (synthetic {n})",
                      f"We want to learn whether {INTERVENTIONS[n % 10]} helps people with {CONDITIONS[n % 30].lower()}. "
                      "You would come to a few visits and answer questions about how you feel.",
                      f"NCT9{n:07d}", f"SCALE-{n:05d}", Study.Phase.values[n % 6], rng.choice(statuses),
                      n % 4 != 0, f"{INTERVENTIONS[n % 10]}, synthetic", "Adults who live near the hospital.",
                      18 if n % 3 else None, 75 if n % 5 else None, Study.Sex.values[n % 3] if n % 7 == 0 else "all",
                      n % 6 == 0, centers[n % len(centers)], f"Dr Scale PI {n} (synthetic)", "Study coordinator",
                      f"scale-study-{n}@scale.example.org", "", n % 20 == 0, 2 if n % 20 == 0 else 0,
                      "Up to $300 for completing all visits." if n % 2 else "", "4 visits over 2 months", now, now,
                      *defaults])
                   for n in range(studies)))
        study_ids = list(Study.objects.filter(irb_protocol__startswith="SCALE-").order_by("irb_protocol")
                         .values_list("pk", flat=True))
        copy_rows(cursor, "studies_study_conditions", "study_id, condition_id",
                  (copy_line([pk, condition_ids[(n + k * 7) % len(condition_ids)]])
                   for n, pk in enumerate(study_ids) for k in range(1 + n % 3)))
        columns, defaults = with_defaults(PrescreenQuestion, "study_id, text, kind, min_value, max_value, \"order\"")
        copy_rows(cursor, "studies_prescreenquestion", columns,
                  (line for pk in study_ids for line in (
                      copy_line([pk, "Do you take medicine for this condition every day?", "yes_no", None, None, 0,
                                 *defaults]),
                      copy_line([pk, "How old are you?", "number", 18, 99, 1, *defaults]))))
        refresh_search_vectors(study_ids)
        seed_sites(rng)
        if stdout:
            stdout.write(f"  studies: {interests:,} inquiries ...")
        weights = [(status, stage) for status, weight, stage in INTEREST_STATUSES for _ in range(weight)]
        columns, defaults = with_defaults(
            Interest, "reference, study_id, name, email, phone, preferred_contact, best_time, answers, "
            "consent_to_contact, status, stage_reached, status_reason, status_changed_at, created_at")
        copy_rows(cursor, Interest._meta.db_table, columns,
                  (copy_line([f"INQ-SCALE-{n:07d}", study_ids[n * 7919 % len(study_ids)],
                              f"Scale Volunteer {n} (synthetic)", f"scale-volunteer-{n}@scale.example.org", "",
                              "email", "any", "{}", True, *weights[n % len(weights)], "", created, created, *defaults])
                   for n in range(interests)
                   for created in [now - timedelta(days=730 * (interests - n) / interests)]))
        for table in ("studies_study", "studies_study_conditions", "studies_interest", "studies_prescreenquestion"):
            cursor.execute(f"ANALYZE {table}")
        people = seed_people(factor)
    return f"{studies:,} studies with {SITES_PER_STUDY} sites each, {interests:,} inquiries{people}"
