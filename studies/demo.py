"""Synthetic demo studies, inquiries and TRC bed bookings. Every study, person and number is made up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.text import slugify

from accounts.demo import demo_email
from accounts.models import User
from centers.models import Center

from . import page_cache
from .demo_sites import add_sites
from .models import TRC_BED_COUNT, Bed, BedBooking, Condition, Interest, PrescreenQuestion, Study
from .services import book_bed, change_interest_status

TRC = "Translational Research Center"
CENTRES = [TRC, "Center for Clinical Trials", "Center for Patient-Centered Outcomes Research",
           "Center for Genomic and Omics Medicine", "Center for Community Engagement and Recruitment",
           "Center for Health Informatics and EHR Research"]


@dataclass(frozen=True)
class Topic:
    condition: str
    code: str
    people: str  # "people with asthma"
    goal: str  # what a treatment would do
    treatment: str  # a new treatment, in lay words
    habit: str  # a non-drug programme
    keywords: str
    yes_no: str
    number: tuple[str, int, int] | None
    ages: tuple[int | None, int | None] = (18, None)
    sex: str = Study.Sex.ALL


TOPICS = [
    Topic("Diabetes", "DIAB", "people with type 2 diabetes", "keep blood sugar in a healthy range",
          "a once-weekly injection", "a walking and cooking programme", "blood sugar, insulin, glucose, HbA1c",
          "Do you take insulin?", ("How many years ago were you told you have diabetes?", 0, 80), (30, 75)),
    Topic("Asthma", "ASTH", "children and teenagers with asthma", "prevent asthma attacks",
          "a new daily inhaler", "a phone app that reminds you to use your inhaler", "inhaler, wheezing, breathing",
          "Have you used a reliever inhaler in the last week?", ("How many nights last week did asthma wake you?", 0, 7),
          (6, 17)),
    Topic("High blood pressure", "HBP", "people with high blood pressure", "bring blood pressure down",
          "a low-dose combination pill", "a home blood-pressure coaching programme", "hypertension, heart, salt",
          "Do you take medicine for blood pressure?", None, (40, 80)),
    Topic("Heart failure", "HF", "people living with heart failure", "help the heart pump better and keep people out of hospital",
          "a new tablet taken once a day", "a gentle home exercise plan", "heart, breathless, swelling",
          "Have you been in hospital for your heart in the last year?", None, (50, None)),
    Topic("Depression", "MOOD", "adults living with depression", "lift mood sooner",
          "a nasal spray used with usual care", "weekly online talking therapy", "mood, mental health, sadness",
          "Are you seeing a doctor or counsellor for your mood?", None, (18, 65)),
    Topic("Migraine", "MIGR", "people who get migraines", "prevent migraine attacks",
          "a monthly injection", "a sleep and relaxation course", "headache, aura, light sensitivity",
          "Have you tried at least two migraine medicines?", ("How many migraine days did you have last month?", 0, 31),
          (18, 60)),
    Topic("Osteoarthritis", "KNEE", "people with painful knee osteoarthritis", "ease knee pain",
          "a single injection into the knee", "a physiotherapy-led strength class", "knee pain, joints, arthritis",
          "Is your knee pain worse when you climb stairs?", ("How old is your knee pain, in years?", 0, 60), (45, 85)),
    Topic("Chronic kidney disease", "KIDNEY", "people with kidney disease", "slow down kidney damage",
          "a new tablet added to usual care", "a diet coaching programme", "kidneys, CKD, dialysis",
          "Has a doctor told you your kidneys are not working well?", None, (18, 80)),
    Topic("Sickle cell disease", "SCD", "people with sickle cell disease", "reduce pain crises",
          "an infusion given every four weeks", "a pain self-management course", "anaemia, pain crisis, blood",
          "Did you have a pain crisis needing hospital care last year?", ("How many pain crises did you have last year?", 0, 50),
          (12, 55)),
    Topic("Obesity", "WEIGHT", "adults living with obesity", "help people lose weight and keep it off",
          "a weekly injection", "a group lifestyle programme", "weight loss, BMI, healthy eating",
          "Have you tried to lose weight with a programme before?", ("What is your weight in kilograms?", 40, 300), (18, 70)),
    Topic("Breast cancer", "BRCA", "women treated for early breast cancer", "lower the chance of the cancer coming back",
          "a tablet taken for two years after surgery", "an exercise programme during treatment", "cancer, tumour, oncology",
          "Have you finished surgery for breast cancer?", None, (25, 80), Study.Sex.FEMALE),
    Topic("Prostate cancer", "PROST", "men with prostate cancer", "control the cancer with fewer side effects",
          "a shorter course of radiotherapy", "a diet and exercise programme", "cancer, PSA, urology",
          "Has your PSA been measured in the last six months?", None, (45, 85), Study.Sex.MALE),
    Topic("Alzheimer's disease", "MEMORY", "people with early memory problems", "slow memory loss",
          "a monthly infusion", "a brain-training and social activity programme", "memory, dementia, brain",
          "Does someone who knows you well agree to come to visits with you?", None, (55, 85)),
    Topic("Parkinson's disease", "PARK", "people with Parkinson's disease", "ease stiffness and shaking",
          "a skin patch worn during the day", "a dance-based movement class", "tremor, movement, neurology",
          "Were you told you have Parkinson's in the last five years?", None, (40, 80)),
    Topic("Multiple sclerosis", "MS", "people with relapsing multiple sclerosis", "prevent relapses",
          "a tablet taken once a day", "a fatigue management course", "MS, nerves, relapse",
          "Have you had a relapse in the last two years?", None, (18, 55)),
    Topic("Lupus", "LUPUS", "people living with lupus", "calm the immune system with fewer steroids",
          "an injection every two weeks", "a sun-safety and energy-pacing course", "SLE, immune, rash, joints",
          "Do you take steroid tablets for lupus now?", None, (18, 65), Study.Sex.ALL),
    Topic("COPD", "LUNG", "people with COPD (long-term lung disease)", "make breathing easier day to day",
          "a new triple inhaler", "a home pulmonary rehabilitation programme", "lungs, emphysema, breathless, smoking",
          "Do you smoke now?", ("How many flare-ups needed antibiotics or steroids last year?", 0, 20), (40, None)),
    Topic("Insomnia", "SLEEP", "adults who sleep badly", "help people fall asleep and stay asleep",
          "a low-dose tablet at bedtime", "an online sleep course (CBT-I)", "sleep, tired, night",
          "Do you have trouble sleeping at least three nights a week?", ("On a usual night, how many hours do you sleep?", 0, 14),
          (18, 75)),
    Topic("Hepatitis B", "LIVER", "people with long-term hepatitis B", "clear the virus for good",
          "a new antiviral tablet", "a liver health education programme", "liver, virus, hepatitis",
          "Are you taking medicine for hepatitis B?", None, (18, 70)),
    Topic("Rheumatoid arthritis", "RA", "people with rheumatoid arthritis", "reduce joint swelling and pain",
          "a tablet taken twice a day", "a hand-exercise programme", "joints, swelling, stiffness",
          "Is your arthritis still active despite your current medicine?", None, (18, 75)),
    Topic("Healthy volunteers", "HV", "healthy adults", "learn how the body handles a new medicine",
          "a new medicine", "a standard meal and exercise test", "volunteer, healthy, first-in-human",
          "Do you take any regular medicine?", None, (18, 55)),
]

# How each study is run; a topic gets three of these in turn.
DESIGNS = ["first_in_human", "phase_2", "phase_3", "phase_4", "programme", "observational"]

STATUSES = ([Study.Status.RECRUITING] * 7 + [Study.Status.NOT_YET_RECRUITING, Study.Status.ACTIVE_NOT_RECRUITING,
                                               Study.Status.COMPLETED, Study.Status.RECRUITING, Study.Status.TERMINATED])
PI_NAMES = ["Dr Robin Example", "Dr Sasha Sample", "Dr Jordan Placeholder", "Dr Kim Madeup", "Dr Lee Fictional",
            "Dr Noor Synthetic", "Dr Ari Testwell", "Dr Quinn Demo"]


def _design(topic: Topic, design: str) -> dict:
    """Plain-language text of one study, from its topic and its design."""
    condition = topic.condition.lower() if topic.condition != "Healthy volunteers" else "health"
    if design == "first_in_human":
        return dict(
            phase=Study.Phase.EARLY_1 if topic.code in {"HV", "SCD", "LUPUS"} else Study.Phase.PHASE_1,
            lay_title=f"First tests of {topic.treatment} in {topic.people}",
            title=f"A phase 1, single-centre, dose-escalation study of the safety and pharmacokinetics of {topic.treatment} in {topic.people}",
            summary=(f"This is one of the first studies of {topic.treatment} in people. We want to learn whether it is safe, "
                     f"which dose is right and how the body handles it, before bigger studies test whether it helps "
                     f"{topic.goal}. Research nurses watch you closely during your stay."),
            trc_inpatient=True, inpatient_nights=3 if topic.code != "HV" else 5,
            visits="A screening visit, a stay in the inpatient unit, then 4 short check-up visits over 6 weeks.",
            compensation="Up to $2,400 for completing the stay and all visits.",
            healthy_volunteers=topic.code == "HV")
    if design == "phase_2":
        return dict(
            # A few run the dose-finding step first, in one study (as many registry records do).
            phase=Study.Phase.PHASE_1_2 if topic.code in {"SCD", "LUPUS", "MS", "PARK", "KIDNEY"} else Study.Phase.PHASE_2,
            lay_title=f"Can {topic.treatment} help {topic.people}?",
            title=f"A randomised, double-blind, placebo-controlled phase 2 trial of {topic.treatment} in {topic.people}",
            summary=(f"We are testing whether {topic.treatment} can {topic.goal}. Half of the volunteers get {topic.treatment} "
                     f"and half get a dummy treatment (placebo). Neither you nor the study team know which until the end, "
                     f"so that the results are fair."),
            trc_inpatient=topic.code in {"SCD", "KIDNEY", "DIAB"}, inpatient_nights=1 if topic.code in {"SCD", "KIDNEY", "DIAB"} else 0,
            visits="8 visits over 6 months, each about 2 hours, plus two phone calls.",
            compensation="$75 for each completed visit.", healthy_volunteers=False)
    if design == "phase_3":
        return dict(
            phase=Study.Phase.PHASE_2_3 if topic.code in {"HF", "MEMORY", "LUNG", "RA", "MIGR"} else Study.Phase.PHASE_3,
            lay_title=f"Comparing {topic.treatment} with usual care for {topic.people}",
            title=f"A multicentre, randomised phase 3 trial comparing {topic.treatment} with standard of care in {topic.people}",
            summary=(f"{topic.treatment.capitalize()} looked promising in smaller studies. This larger study compares it "
                     f"with the usual treatment to see which does better at helping {topic.people} {topic.goal}. "
                     f"A computer decides by chance which treatment you get."),
            trc_inpatient=False, inpatient_nights=0,
            visits="Visits every 3 months for 2 years; some can be done by video.",
            compensation="$50 per visit and travel costs.", healthy_volunteers=False)
    if design == "phase_4":
        return dict(
            phase=Study.Phase.PHASE_4,
            lay_title=f"Long-term safety of an approved treatment for {condition}",
            title=f"A phase 4 post-marketing study of long-term safety in {topic.people}",
            summary=(f"This treatment is already approved and used every day. We follow {topic.people} who take it for "
                     f"three years to learn more about its long-term benefits and rare side effects."),
            trc_inpatient=False, inpatient_nights=0,
            visits="A yearly visit and a short online questionnaire every 3 months.",
            compensation="A $25 gift card for each questionnaire.", healthy_volunteers=False)
    if design == "programme":
        return dict(
            phase=Study.Phase.NOT_APPLICABLE,
            lay_title=f"{topic.habit.capitalize()} for {topic.people}",
            title=f"A pragmatic randomised trial of {topic.habit} in {topic.people}",
            summary=(f"We want to find out whether {topic.habit} can help {topic.people} {topic.goal}. There is no new "
                     f"medicine. Some volunteers start the programme straight away and others after six months."),
            trc_inpatient=False, inpatient_nights=0,
            visits="3 visits over 6 months and weekly sessions you can join from home.",
            compensation="", healthy_volunteers=False)
    return dict(
        phase=Study.Phase.NOT_APPLICABLE,
        lay_title=f"Learning how {condition} changes over time",
        title=f"A prospective observational cohort study of {condition} progression and biomarkers",
        summary=(f"We follow {topic.people}, and people without the condition for comparison, with yearly check-ups and "
                 f"blood tests. Nothing about your treatment changes. What we learn will help design better studies."),
        trc_inpatient=False, inpatient_nights=0,
        visits="One visit a year for 5 years, about 3 hours each, with a blood test.",
        compensation="$100 for each yearly visit.", healthy_volunteers=True)


def _eligibility(topic: Topic, healthy: bool) -> str:
    low, high = topic.ages
    if low is not None and high is not None:
        ages = f"aged {low} to {high}"
    elif low is not None:
        ages = f"aged {low} or older"
    else:
        ages = "of any age"
    base = f"You may be able to join if you are {ages} and are one of the {topic.people}."
    if healthy:
        base += " People without the condition are welcome too, as a comparison group."
    return (base + " You cannot join if you are pregnant, if you are in another study that tests a medicine, "
            "or if your doctor thinks the visits would be too much for you. The team checks the details with you.")


def _centres() -> dict[str, Center]:
    found = {center.name: center for center in Center.objects.filter(name__in=CENTRES)}
    if len(found) < len(CENTRES):
        from centers import demo as centers_demo

        centers_demo.load()
        found = {center.name: center for center in Center.objects.filter(name__in=CENTRES)}
    return found


def _studies(team_user: User | None) -> tuple[list[Study], int, int]:
    centres = _centres()
    studies, designs, created_count, index = [], [], 0, 0
    for topic_number, topic in enumerate(TOPICS):
        condition, _ = Condition.objects.get_or_create(slug=slugify(topic.condition), defaults={"name": topic.condition})
        for turn in range(3):
            design = DESIGNS[(topic_number + turn * 2) % len(DESIGNS)]
            if topic.code == "HV":
                design = ["first_in_human", "first_in_human", "observational"][turn]
            index += 1
            protocol = f"DEMO-IRB-2026-{index:03d}"
            study = Study.objects.filter(irb_protocol=protocol).first()
            if study is None:
                text = _design(topic, design)
                if topic.code == "HV" and turn == 1:
                    text["lay_title"] = "How the body absorbs a new vaccine given as a skin patch"
                low, high = topic.ages
                status = STATUSES[index % len(STATUSES)]
                centre = centres[TRC] if text["trc_inpatient"] else centres[CENTRES[1 + index % (len(CENTRES) - 1)]]
                study = Study.objects.create(
                    irb_protocol=protocol, short_title=f"{topic.code}-{turn + 1}",
                    nct_id=f"NCT09{index:06d}" if index % 4 else "",
                    status=status, is_public=index % 9 != 0, keywords=topic.keywords,
                    eligibility=_eligibility(topic, text["healthy_volunteers"]),
                    min_age=low, max_age=high, sex=topic.sex, center=centre, pi_name=PI_NAMES[index % len(PI_NAMES)],
                    contact_name="Research coordinator (synthetic)",
                    contact_email=f"{topic.code.lower()}{turn + 1}@dcr.example.org",
                    contact_phone=f"617 555 01{index:02d}", **text,
                )
                if topic.code != "HV":
                    study.conditions.add(condition)
                PrescreenQuestion.objects.create(study=study, text=topic.yes_no, order=1)
                if topic.number and turn != 2:
                    question, low_value, high_value = topic.number
                    PrescreenQuestion.objects.create(study=study, text=question, kind=PrescreenQuestion.Kind.NUMBER,
                                                     min_value=low_value, max_value=high_value, order=2)
                if team_user and (study.trc_inpatient or index % 10 == 0):
                    study.team.add(team_user)
                created_count += 1
            studies.append(study)
            designs.append(design)
    # Sites are added to any demo study without one (also the demo studies of an older run).
    new_sites = add_sites(list(zip(studies, designs)))
    return studies, created_count, new_sites


# (name, email, preferred contact, best time)
PEOPLE = [
    ("Alex Sample (synthetic)", "alex.sample@example.org", "email", "morning"),
    ("Bo Placeholder (synthetic)", "bo.placeholder@example.org", "phone", "evening"),
    ("Cam Fictional (synthetic)", "cam.fictional@example.org", "email", "any"),
    ("Dee Madeup (synthetic)", "dee.madeup@example.org", "phone", "afternoon"),
    ("Eli Testperson (synthetic)", "eli.testperson@example.org", "email", "any"),
    ("Fran Demo (synthetic)", "fran.demo@example.org", "email", "morning"),
]
S = Interest.Status
# Where some demo inquiries have got to.
PATHS = [[], [S.CONTACTED], [S.CONTACTED, S.ELIGIBLE], [S.CONTACTED, S.ELIGIBLE, S.CONSENTED, S.ENROLLED],
         [S.CONTACTED, S.INELIGIBLE], [], [S.DECLINED]]


def _answers(study: Study) -> dict:
    return {str(q.pk): {"question": q.text, "kind": q.kind,
                        "answer": "yes" if q.kind == PrescreenQuestion.Kind.YES_NO else (q.min_value or 0) + 1}
            for q in study.questions.all()}


def _interests(studies: list[Study], team_user: User | None, patient: User | None) -> int:
    open_studies = [s for s in studies if s.accepts_inquiries]
    team_studies = [s for s in open_studies if team_user and s.team.filter(pk=team_user.pk).exists()]
    targets = (team_studies + open_studies)[:10]
    made = 0
    now = timezone.now()
    for number, study in enumerate(targets):
        name, email, contact, best = PEOPLE[number % len(PEOPLE)]
        interest, created = Interest.objects.get_or_create(study=study, email=email, defaults=dict(
            name=name, phone=f"617 555 02{number:02d}", preferred_contact=contact, best_time=best,
            answers=_answers(study), consent_to_contact=True, created_at=now - timedelta(days=number * 4)))
        if created:
            made += 1
            for status in PATHS[number % len(PATHS)]:
                change_interest_status(interest, status, by=team_user,
                                       reason="Over the age limit (synthetic)" if status == S.INELIGIBLE else "")
    if patient:
        for number, study in enumerate(open_studies[-2:]):
            interest, created = Interest.objects.get_or_create(study=study, email=patient.email, defaults=dict(
                name=patient.full_name, user=patient, preferred_contact="email", best_time="any",
                answers=_answers(study), consent_to_contact=True, created_at=now - timedelta(days=2 + number * 9)))
            if created:
                made += 1
                if number == 1:
                    change_interest_status(interest, S.CONTACTED, by=team_user)
    return made


def _bookings(studies: list[Study], by: User | None) -> int:
    """A week of the TRC, around today; made once (a later run on another day adds nothing)."""
    if BedBooking.objects.filter(note__startswith="Demo booking").exists():
        return 0
    trc_studies = [s for s in studies if s.trc_inpatient and not s.is_closed] or studies[:3]
    today = timezone.localdate()
    tz = timezone.get_current_timezone()
    made = 0
    for number in range(12):
        study = trc_studies[number % len(trc_studies)]
        day = today + timedelta(days=number % 4 - 1)
        start = datetime(day.year, day.month, day.day, 8, tzinfo=tz)
        nights = max(study.inpatient_nights, 1)
        book_bed(study=study, start=start, end=start + timedelta(days=nights, hours=2), by=by,
                 note=f"Demo booking (synthetic) #{number + 1}")
        made += 1
    return made


def load() -> str:
    for number in range(1, TRC_BED_COUNT + 1):
        Bed.objects.get_or_create(number=number, defaults={"label": f"Room {(number + 1) // 2}"})
    team_user = User.objects.filter(email=demo_email("studyteam")).first()
    patient = User.objects.filter(email=demo_email("patient")).first()
    studies, new_studies, new_sites = _studies(team_user)
    if new_sites:
        page_cache.invalidate()  # bulk-created sites send no signal: the finder's stored pages forget them
    new_interests = _interests(studies, team_user, patient)
    new_bookings = _bookings(studies, team_user)
    return (f"{len(studies)} studies ({new_studies} new), {new_interests} new inquiries, "
            f"{new_bookings} new TRC bookings, {new_sites} new sites, {TRC_BED_COUNT} beds")
