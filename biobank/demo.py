"""Synthetic demo biobank: 3,000 participants, about 7,500 samples, a few withdrawals, and
requests from the demo researchers in several statuses. Every MRN is made up ("SYN...").
Idempotent: a second run creates nothing new.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from accounts.demo import demo_email
from accounts.models import User

from . import services
from .storage.services import build_boxes
from .criteria import CohortCriteria
from .consent.seed import seed_answers
from .distribution.services import create_order, move_order
from .lineage.services import split_sample
from .models import Derivation, Participant, RecontactRequest, Sample, SampleRequest, SampleType

PARTICIPANTS = 3_000
FIRST_ID = 100_001  # biobank ids BB0100001-BB0103000
WITHDRAWN = 6
UNITS = {SampleType.WHOLE_BLOOD: "mL", SampleType.DNA: "ug", SampleType.PLASMA: "mL", SampleType.SERUM: "mL",
         SampleType.BUFFY_COAT: "mL"}


def _demo_place(slot: int) -> tuple[str, str, str]:
    return f"F{slot // 8100 + 1:02d}", f"R{slot // 810 % 10 + 1:02d}", f"B{slot // 81 % 10 + 1:02d}"


def _participants(rng: random.Random) -> int:
    if Participant.objects.filter(biobank_id=f"BB{FIRST_ID:07d}").exists():
        return 0
    people = []
    for n in range(PARTICIPANTS):
        genotyped = rng.random() < 0.5
        person = Participant(
            biobank_id=f"BB{FIRST_ID + n:07d}", sex=rng.choices("FMU", weights=(50, 48, 2))[0],
            birth_year=rng.randrange(1935, 2004), consent_research=rng.random() < 0.97,
            consent_recontact=rng.random() < 0.6, consent_date=date(2015, 1, 1) + timedelta(days=rng.randrange(3000)),
            consent_version=rng.choice(["v2", "v3"]), genotyped=genotyped,
            genotyping_platform="Illumina GSA" if genotyped else "",
            genotyping_batch=f"GSA-D{n // 500 + 1:02d}" if genotyped else "",
        )
        person.mrn = f"SYN{700_000_000 + n}"
        people.append(person)
    bulk_create_with_history(people, Participant, batch_size=1000, default_change_reason="Demo data")
    seed_answers(f"BB{FIRST_ID:07d}", f"BB{FIRST_ID + PARTICIPANTS - 1:07d}")
    ids = dict(Participant.objects.filter(biobank_id__gte=f"BB{FIRST_ID:07d}",
                                          biobank_id__lt=f"BB{FIRST_ID + PARTICIPANTS:07d}")
               .values_list("biobank_id", "pk"))
    samples, slot, now = [], 0, timezone.now()
    # A freezer of ten racks of ten 9 x 9 boxes per 8,100 samples, filled in order (F01 / R01 / B01 / A1 first).
    boxes = build_boxes(sorted({_demo_place(s) for s in range(0, PARTICIPANTS * 3, 81)}))
    for n in range(PARTICIPANTS):
        for sample_type in rng.sample(list(SampleType.values), rng.choice([2, 2, 3, 3, 3])):
            samples.append(Sample(
                barcode=f"DM{slot + 1:08d}", participant_id=ids[f"BB{FIRST_ID + n:07d}"], sample_type=sample_type,
                collected_at=now - timedelta(days=rng.randrange(60, 3000)),
                quantity=Decimal(rng.randrange(5, 60)) / 10, unit=UNITS[sample_type],
                box_id=boxes[_demo_place(slot)], pos_row=slot % 81 // 9 + 1, pos_col=slot % 9 + 1,
                status=rng.choices([Sample.Status.AVAILABLE, Sample.Status.DEPLETED], weights=(95, 5))[0],
            ))
            slot += 1
    bulk_create_with_history(samples, Sample, batch_size=2000, default_change_reason="Demo data")
    return PARTICIPANTS


# (researcher, title, criteria, number, purpose, the moves the biobank made)
SAMPLE_REQUESTS = [
    ("researcher", "Inflammatory markers in type 2 diabetes (synthetic)", {"sample_type": "plasma"}, 200,
     "Measure IL-6 and CRP in plasma of adults with and without type 2 diabetes.", []),
    ("researcher", "Genetic risk of atrial fibrillation (synthetic)", {"sample_type": "dna", "genotyped": "yes"}, 500,
     "Validate a polygenic risk score for atrial fibrillation.", ["under_review"]),
    ("researcher", "Serum vitamin D in women born 1950-1970 (synthetic)",
     {"sample_type": "serum", "sex": "F", "birth_year_min": 1950, "birth_year_max": 1970}, 20,
     "Pilot of a new vitamin D assay.", ["under_review", "approved", "reserve", "ship"]),
    ("researcher", "Buffy coat RNA stability pilot (synthetic)", {"sample_type": "buffy_coat"}, 12,
     "Compare RNA yield across storage times.", ["under_review", "approved", "reserve", "distribute"]),
    ("researcher2", "Whole blood metabolomics (synthetic)", {"sample_type": "whole_blood"}, 5000,
     "Untargeted metabolomics in whole blood.", ["declined"]),
    ("researcher2", "Plasma proteomics in older adults (synthetic)", {"sample_type": "plasma", "birth_year_max": 1950},
     50, "Proteomic ageing clock.", ["under_review", "approved"]),
]
RECONTACT_REQUESTS = [
    ("researcher", "Sleep and heart health follow-up (synthetic)", {"genotyped": "yes"}, 30, []),
    ("researcher2", "Diet and memory study (synthetic)", {"birth_year_max": 1960}, 15,
     ["under_review", "approved", "select"]),
]
DECLINE_REASON = "The protocol approves 500 samples at most; please send a new request within that limit."
MESSAGE = ("Researchers at the hospital are starting a study on {topic}. You agreed that the biobank may contact you "
           "about new studies. If you would like to hear more, reply to the study team at study-team@dcr.example.org. "
           "If not, you need do nothing.")


def _apply(obj, moves: list[str], staff) -> None:
    for move in moves:
        if move == "reserve":
            services.reserve_samples(obj, by=staff)
        elif move == "distribute":
            services.distribute_samples(obj, by=staff)
        elif move == "ship":
            order = create_order(obj, by=staff)
            move_order(order, "shipped", by=staff, courier="DHL", tracking_number="JD014600000001 (synthetic)",
                       recipient="Dr Rae Researcher (synthetic), Vitamin D Laboratory, 1 Example Road")
        elif move == "select":
            services.select_recontact_participants(obj, by=staff)
        else:
            services.move_request(obj, move, by=staff, reason=DECLINE_REASON if move == "declined" else "")


def _requests() -> int:
    staff = User.objects.filter(email=demo_email("biobank")).first()
    if staff is None:
        return 0
    created = 0
    for local, title, criteria, number, purpose, moves in SAMPLE_REQUESTS:
        researcher = User.objects.filter(email=demo_email(local)).first()
        if researcher is None or SampleRequest.objects.filter(researcher=researcher, title=title).exists():
            continue
        obj = services.submit_sample_request(researcher, irb_protocol=f"IRB-2026-{100 + created:04d}", title=title,
                                             criteria=CohortCriteria.from_dict(criteria), samples_requested=number,
                                             purpose=purpose)
        _apply(obj, moves, staff)
        created += 1
    for local, title, criteria, number, moves in RECONTACT_REQUESTS:
        researcher = User.objects.filter(email=demo_email(local)).first()
        if researcher is None or RecontactRequest.objects.filter(researcher=researcher, title=title).exists():
            continue
        obj = services.submit_recontact_request(
            researcher, irb_protocol=f"IRB-2026-{200 + created:04d}", title=title,
            criteria=CohortCriteria.from_dict(criteria), participants_requested=number,
            message=MESSAGE.format(topic=title.split(" (")[0].lower()))
        _apply(obj, moves, staff)
        created += 1
    return created


def _withdrawals() -> int:
    staff = User.objects.filter(email=demo_email("biobank")).first()
    if staff is None:
        return 0
    done = 0
    candidates = Participant.objects.filter(biobank_id__gte=f"BB{FIRST_ID + PARTICIPANTS - WITHDRAWN:07d}",
                                            biobank_id__lt=f"BB{FIRST_ID + PARTICIPANTS:07d}",
                                            withdrawn_on__isnull=True)
    for participant in candidates:
        services.withdraw_participant(participant, by=staff, reason="Asked by letter to leave the biobank (synthetic).",
                                      when=timezone.localdate() - timedelta(days=30))
        done += 1
    return done


def _lineage() -> int:
    """Two aliquots and a DNA derivative of a whole blood sample, as staff make them."""
    staff = User.objects.filter(email=demo_email("biobank")).first()
    demo = Sample.objects.filter(barcode__startswith="DM")
    if staff is None or demo.filter(parent__isnull=False).exists():
        return 0
    blood = (demo.filter(sample_type=SampleType.WHOLE_BLOOD, status=Sample.Status.AVAILABLE, quantity__gte=3,
                         participant__withdrawn_on__isnull=True).order_by("barcode").first())
    if blood is None:
        return 0
    made = split_sample(blood, kind=Derivation.ALIQUOT, count=2, taken_each=Decimal("0.5"), by=staff,
                        reason="Demo: aliquots for a pilot")
    made += split_sample(blood, kind=Derivation.DERIVATIVE, count=1, taken_each=Decimal("1"), by=staff,
                         sample_type=SampleType.DNA, product_each=Decimal("30"), unit="ug",
                         reason="Demo: DNA extraction")
    return len(made)


def load() -> str:
    rng = random.Random(20260)  # nosec B311: seeded generator for synthetic demo data, not a secret
    participants = _participants(rng)
    withdrawals = _withdrawals()
    derived = _lineage()
    requests = _requests()
    return (f"{participants:,} participants with samples, {withdrawals} withdrawals, {derived} aliquots and "
            f"derivatives, {requests} requests created "
            f"({Participant.objects.count():,} participants and {Sample.objects.count():,} samples in all)")
