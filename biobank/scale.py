"""Synthetic biobank data at production scale: 40,000 participants (20,000 genotyped) and
100,000 samples, written with COPY in a few seconds. Idempotent: a second run adds nothing.

Biobank ids BB5000001-BB5040000 and barcodes SC00000001-SC00100000 are reserved for it.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.db import connection, transaction
from django.utils import timezone

from common.scale import copy_line, copy_rows, scaled, settle

from . import crypto
from .models import Participant, Sample, SampleType
from .consent.seed import seed_answers
from .storage.services import build_boxes

PARTICIPANTS = 40_000
GENOTYPED = 20_000
SAMPLES = 100_000
FIRST_ID = 5_000_001

SAMPLE_TYPES = [(SampleType.WHOLE_BLOOD, "mL", 4), (SampleType.DNA, "ug", 3), (SampleType.PLASMA, "mL", 3),
                (SampleType.SERUM, "mL", 2), (SampleType.BUFFY_COAT, "mL", 1)]
STATUSES = [(Sample.Status.AVAILABLE, 90), (Sample.Status.DISTRIBUTED, 5), (Sample.Status.DEPLETED, 3),
            (Sample.Status.DESTROYED, 2)]


def _biobank_id(n: int) -> str:
    return f"BB{FIRST_ID + n:07d}"


def _participant_lines(rng: random.Random, now, participants: int, genotyped_count: int):
    for n in range(participants):
        genotyped = n < genotyped_count
        mrn = f"SYN{900_000_000 + n}"
        consent_day = date(2012, 1, 1) + timedelta(days=rng.randrange(4000))
        yield copy_line([
            _biobank_id(n), crypto.encrypt_mrn(mrn), crypto.mrn_digest(mrn), rng.choices("FMU", weights=(50, 48, 2))[0],
            rng.randrange(1930, 2006), rng.random() < 0.97, rng.random() < 0.6, consent_day, "v3", None, genotyped,
            "Illumina GSA" if genotyped else "", f"GSA-{n // 2000 + 1:02d}" if genotyped else "", now, now,
        ])


BOX_SIDE = 10


def _place(n: int) -> tuple[str, str, str]:
    """Freezers of ten racks of fifty 10 x 10 boxes (A1 to J10), filled in order."""
    return f"SC{n // 50_000 + 1:02d}", f"R{n // 5000 % 10 + 1:02d}", f"B{n // 100 % 50 + 1:03d}"


def _sample_lines(rng: random.Random, participant_ids: list[int], now, samples: int, boxes: dict, first_id: int):
    """Rows with their ids given (a block reserved from the sequence), so lineage is written in the same COPY:
    one sample in twenty-five is an aliquot of the sample before it (same participant and type) or, from
    whole blood, its derivative."""
    types = [t for t, _, weight in SAMPLE_TYPES for _ in range(weight)]
    units = {t: unit for t, unit, _ in SAMPLE_TYPES}
    statuses = [s for s, weight in STATUSES for _ in range(weight)]
    previous = None  # (participant, type) of the sample before
    for n in range(samples):
        sample_type = types[n % len(types)]
        participant = participant_ids[n * len(participant_ids) // samples]
        collected = now - timedelta(days=rng.randrange(30, 4000), minutes=rng.randrange(1440))
        parent, derived_as = None, ""
        if n % 25 == 1 and previous[0] == participant and previous[1] in (sample_type, SampleType.WHOLE_BLOOD):
            parent = first_id + n - 1
            derived_as = "aliquot" if previous[1] == sample_type else "derivative"
        yield copy_line([
            first_id + n, f"SC{n + 1:08d}", participant, sample_type, collected,
            f"{rng.randrange(5, 100) / 10:.1f}", units[sample_type], boxes[_place(n)], n % 100 // 10 + 1, n % 10 + 1,
            rng.choice(statuses), parent, derived_as, now, now,
        ])
        previous = (participant, sample_type)


def seed(stdout=None, factor: float = 1.0) -> str:
    """Create the scale data set (``factor`` times the sizes above) unless it is there already."""
    participants, genotyped = scaled(PARTICIPANTS, factor, 2), scaled(GENOTYPED, factor)
    samples = scaled(SAMPLES, factor, 5)
    existing = Sample.objects.filter(barcode__gte="SC00000001", barcode__lte="SC99999999").count()
    if existing >= samples:
        return f"already at scale ({existing:,} scale samples)"
    if existing or Participant.objects.filter(biobank_id=_biobank_id(0)).exists():
        return "a partial scale data set exists; remove biobank ids BB5000001-BB5040000 first"
    rng = random.Random(2026)  # nosec B311: seeded generator for synthetic scale data
    now = timezone.now()
    with transaction.atomic(), connection.cursor() as cursor:
        if stdout:
            stdout.write(f"  biobank: {participants:,} participants (encrypting MRNs) ...")
        copy_rows(cursor, "biobank_participant",
              "biobank_id, mrn_encrypted, mrn_hash, sex, birth_year, consent_research, consent_recontact, "
              "consent_date, consent_version, withdrawn_on, genotyped, genotyping_platform, genotyping_batch, "
              "created_at, updated_at", _participant_lines(rng, now, participants, genotyped))
        seed_answers(_biobank_id(0), _biobank_id(participants - 1))
        ids = list(Participant.objects.filter(biobank_id__gte=_biobank_id(0), biobank_id__lte=_biobank_id(participants))
                   .order_by("biobank_id").values_list("pk", flat=True))
        if stdout:
            stdout.write(f"  biobank: {samples:,} samples ...")
        boxes = build_boxes(sorted({_place(n) for n in range(0, samples, 100)}), rows=BOX_SIDE, columns=BOX_SIDE)
        # A block of ids taken from the sequence, so each row can name its parent without a self-join
        # afterwards (an UPDATE joining a million rows to themselves does not scale).
        cursor.execute("SELECT pg_get_serial_sequence('biobank_sample', 'id')")
        sequence = cursor.fetchone()[0]
        cursor.execute("SELECT nextval(%s)", [sequence])
        first_id = cursor.fetchone()[0]
        cursor.execute("SELECT setval(%s, %s)", [sequence, first_id + samples - 1])
        copy_rows(cursor, "biobank_sample",
              "id, barcode, participant_id, sample_type, collected_at, quantity, unit, box_id, pos_row, pos_col, "
              "status, parent_id, derived_as, created_at, updated_at",
              _sample_lines(rng, ids, now, samples, boxes, first_id))
        cursor.execute("ANALYZE biobank_storagecontainer")
        cursor.execute("ANALYZE biobank_participant")
        cursor.execute("ANALYZE biobank_sample")
    picked = _distribution(scaled(PICK_LIST, factor, 5))
    settle("biobank_participant", "biobank_sample")  # index-only scans for the cohort counts
    return f"{participants:,} participants ({genotyped:,} genotyped) and {samples:,} samples" + picked


PICK_LIST = 1_000
PICK_TITLE = "Scale pick list (synthetic)"


def _distribution(size: int) -> str:
    """A request of the first scale researcher with ``size`` samples reserved and their distribution order
    (for the pick list benchmark), made as staff make it. Needs the centres' and consultations' scale users."""
    from accounts.models import User
    from centers.scale import HEAD_EMAIL
    from consultations.scale import researcher_email

    from . import services
    from .criteria import CohortCriteria
    from .distribution.services import create_order

    head, researcher = (User.objects.filter(email=HEAD_EMAIL).first(),
                        User.objects.filter(email=researcher_email(1)).first())
    if head is None or researcher is None:
        return ""
    req = services.submit_sample_request(researcher, irb_protocol="SCALE-IRB-0001", title=PICK_TITLE,
                                         criteria=CohortCriteria(), samples_requested=size,
                                         purpose="A large order to measure the pick list.")
    for status in ("under_review", "approved"):
        services.move_request(req, status, by=head)
    services.reserve_samples(req, by=head, count=size)
    create_order(req, by=head)
    return f"; a distribution order of {size:,} samples"
