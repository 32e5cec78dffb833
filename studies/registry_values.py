"""The vocabulary of ClinicalTrials.gov's data model (API v2), as the portal stores and shows it.

Every value the registry may send has a home here: the stored value is the registry's own code in
lower case (``UNKNOWN`` -> ``unknown``), so nothing is lost on import, and each has a label for
people and, where the finder searches by it, a mapping for search. Combined phases are values
of their own ("Phase 1/Phase 2"), as in the registry and in FHIR's research-study-phase codes.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, pgettext_lazy


class Phase(models.TextChoices):
    EARLY_1 = "early_1", _("Early phase 1")
    PHASE_1 = "1", _("Phase 1")
    PHASE_1_2 = "1_2", _("Phase 1/Phase 2")
    PHASE_2 = "2", _("Phase 2")
    PHASE_2_3 = "2_3", _("Phase 2/Phase 3")
    PHASE_3 = "3", _("Phase 3")
    PHASE_4 = "4", _("Phase 4")
    NOT_APPLICABLE = "na", _("Not applicable")


# The registry's designModule.phases (as a sorted tuple) -> our phase, and back.
PHASE_FROM_REGISTRY: dict[tuple[str, ...], str] = {
    ("EARLY_PHASE1",): Phase.EARLY_1,
    ("PHASE1",): Phase.PHASE_1,
    ("PHASE1", "PHASE2"): Phase.PHASE_1_2,
    ("PHASE2",): Phase.PHASE_2,
    ("PHASE2", "PHASE3"): Phase.PHASE_2_3,
    ("PHASE3",): Phase.PHASE_3,
    ("PHASE4",): Phase.PHASE_4,
    ("NA",): Phase.NOT_APPLICABLE,
}
REGISTRY_PHASE_CODES = frozenset(code for codes in PHASE_FROM_REGISTRY for code in codes)
PHASE_TO_REGISTRY = {phase: list(codes) for codes, phase in PHASE_FROM_REGISTRY.items()}

# The phases a person searching for one phase finds: a Phase 1/Phase 2 trial is both.
SEARCH_PHASES = [Phase.EARLY_1, Phase.PHASE_1, Phase.PHASE_2, Phase.PHASE_3, Phase.PHASE_4, Phase.NOT_APPLICABLE]
PHASE_MATCHES: dict[str, list[str]] = {
    Phase.EARLY_1: [Phase.EARLY_1],
    Phase.PHASE_1: [Phase.PHASE_1, Phase.PHASE_1_2],
    Phase.PHASE_2: [Phase.PHASE_2, Phase.PHASE_1_2, Phase.PHASE_2_3],
    Phase.PHASE_3: [Phase.PHASE_3, Phase.PHASE_2_3],
    Phase.PHASE_4: [Phase.PHASE_4],
    Phase.NOT_APPLICABLE: [Phase.NOT_APPLICABLE],
}

# Plain strings (marked for translation); ``Study.phase_explained`` translates them.
PHASE_EXPLAINED = {
    Phase.EARLY_1: gettext_noop("A very first test in a handful of people, with tiny doses, to learn how the "
                                "body handles a new treatment."),
    Phase.PHASE_1: gettext_noop("A small group tests whether a new treatment is safe and finds the right dose."),
    Phase.PHASE_1_2: gettext_noop("Two steps in one study: first a small group tests safety and the dose, then a "
                                  "larger group checks whether the treatment works."),
    Phase.PHASE_2: gettext_noop("A larger group checks whether the treatment works, while safety is watched "
                                "closely."),
    Phase.PHASE_2_3: gettext_noop("Two steps in one study: a group checks whether the treatment works, then many "
                                  "people compare it with the usual care."),
    Phase.PHASE_3: gettext_noop("Many people compare the new treatment with the usual care to see which is "
                                "better."),
    Phase.PHASE_4: gettext_noop("The treatment is already approved; researchers keep learning about its "
                                "long-term benefits and risks."),
    Phase.NOT_APPLICABLE: gettext_noop("This study does not test a drug, so it has no phase: it may test a "
                                       "device, a behaviour or simply observe."),
}


class Status(models.TextChoices):
    """statusModule.overallStatus: recruitment statuses and the expanded-access ones."""

    NOT_YET_RECRUITING = "not_yet_recruiting", _("Not yet recruiting")
    RECRUITING = "recruiting", _("Recruiting")
    ENROLLING_BY_INVITATION = "enrolling_by_invitation", _("Enrolling by invitation only")
    ACTIVE_NOT_RECRUITING = "active_not_recruiting", _("Active, not recruiting")
    SUSPENDED = "suspended", _("Paused (suspended)")
    COMPLETED = "completed", _("Completed")
    TERMINATED = "terminated", _("Closed early (terminated)")
    WITHDRAWN = "withdrawn", _("Withdrawn before it started")
    UNKNOWN = "unknown", _("Status unknown")
    AVAILABLE = "available", _("Expanded access: available")
    NO_LONGER_AVAILABLE = "no_longer_available", _("Expanded access: no longer available")
    TEMPORARILY_NOT_AVAILABLE = "temporarily_not_available", _("Expanded access: temporarily not available")
    APPROVED_FOR_MARKETING = "approved_for_marketing", _("Expanded access: approved for marketing")
    WITHHELD = "withheld", _("Expanded access: withheld")


# Closed studies leave the finder; their page says they are closed.
CLOSED_STATUSES = (Status.COMPLETED, Status.TERMINATED, Status.WITHDRAWN, Status.NO_LONGER_AVAILABLE,
                   Status.APPROVED_FOR_MARKETING, Status.WITHHELD)
# Studies that take "I'm interested" inquiries (and that the finder lists).
OPEN_TO_INQUIRIES = (Status.RECRUITING, Status.NOT_YET_RECRUITING)

# What the page adds under a status a person may not understand from its label alone.
STATUS_EXPLAINED = {
    Status.UNKNOWN: gettext_noop("The study passed its expected end date and its record has not been confirmed for "
                                 "more than two years, so nobody can say whether it still runs."),
    Status.ENROLLING_BY_INVITATION: gettext_noop("The team chooses who joins, often from people it already cares "
                                                 "for."),
    Status.SUSPENDED: gettext_noop("The study has stopped for now and may start again."),
    Status.AVAILABLE: gettext_noop("A doctor can ask for this treatment for a patient outside a clinical trial."),
    Status.TEMPORARILY_NOT_AVAILABLE: gettext_noop("Doctors cannot ask for this treatment for now."),
}


def status_from_registry(code: str) -> str | None:
    value = code.lower() if isinstance(code, str) else ""
    return value if value in Status.values else None


class StudyType(models.TextChoices):
    INTERVENTIONAL = "interventional", _("Interventional (a clinical trial)")
    OBSERVATIONAL = "observational", _("Observational (no treatment is given)")
    EXPANDED_ACCESS = "expanded_access", _("Expanded access (treatment outside a trial)")


class StandardAge(models.TextChoices):
    CHILD = "child", _("Children (birth to 17)")
    ADULT = "adult", _("Adults (18 to 64)")
    OLDER_ADULT = "older_adult", _("Older adults (65 and over)")


# eligibilityModule.minimumAge / maximumAge units, singular and plural, as people read them.
AGE_UNITS = {
    "year": (pgettext_lazy("age", "%(n)s year"), pgettext_lazy("age", "%(n)s years")),
    "month": (pgettext_lazy("age", "%(n)s month"), pgettext_lazy("age", "%(n)s months")),
    "week": (pgettext_lazy("age", "%(n)s week"), pgettext_lazy("age", "%(n)s weeks")),
    "day": (pgettext_lazy("age", "%(n)s day"), pgettext_lazy("age", "%(n)s days")),
    "hour": (pgettext_lazy("age", "%(n)s hour"), pgettext_lazy("age", "%(n)s hours")),
    "minute": (pgettext_lazy("age", "%(n)s minute"), pgettext_lazy("age", "%(n)s minutes")),
}
# How many whole years an age in each unit is at least (for the finder's "your age" search).
UNIT_PER_YEAR = {"year": 1, "month": 12, "week": 52, "day": 365, "hour": 365 * 24, "minute": 365 * 24 * 60}


class DateType(models.TextChoices):
    ACTUAL = "actual", _("actual")
    ESTIMATED = "estimated", _("expected")


class InterventionType(models.TextChoices):
    DRUG = "drug", _("Drug")
    DEVICE = "device", _("Device")
    BIOLOGICAL = "biological", _("Biological")
    PROCEDURE = "procedure", _("Procedure or surgery")
    RADIATION = "radiation", _("Radiation")
    BEHAVIORAL = "behavioral", _("Behavioural")
    GENETIC = "genetic", _("Genetic")
    DIETARY_SUPPLEMENT = "dietary_supplement", _("Dietary supplement")
    COMBINATION_PRODUCT = "combination_product", _("Combination product")
    DIAGNOSTIC_TEST = "diagnostic_test", _("Diagnostic test")
    OTHER = "other", _("Other")


class ArmType(models.TextChoices):
    EXPERIMENTAL = "experimental", _("Experimental")
    ACTIVE_COMPARATOR = "active_comparator", _("Active comparator")
    PLACEBO_COMPARATOR = "placebo_comparator", _("Placebo comparator")
    SHAM_COMPARATOR = "sham_comparator", _("Sham comparator")
    NO_INTERVENTION = "no_intervention", _("No intervention")
    OTHER = "other", _("Other")


class PrimaryPurpose(models.TextChoices):
    TREATMENT = "treatment", _("Treatment")
    PREVENTION = "prevention", _("Prevention")
    DIAGNOSTIC = "diagnostic", _("Diagnosis")
    ECT = "ect", _("Early clinical testing")
    SUPPORTIVE_CARE = "supportive_care", _("Supportive care")
    SCREENING = "screening", _("Screening")
    HEALTH_SERVICES_RESEARCH = "health_services_research", _("Health services research")
    BASIC_SCIENCE = "basic_science", _("Basic science")
    DEVICE_FEASIBILITY = "device_feasibility", _("Device feasibility")
    OTHER = "other", _("Other")


class ContactRole(models.TextChoices):
    CONTACT = "contact", _("Contact")
    PRINCIPAL_INVESTIGATOR = "principal_investigator", _("Principal investigator")
    SUB_INVESTIGATOR = "sub_investigator", _("Sub-investigator")
    STUDY_CHAIR = "study_chair", _("Study chair")
    STUDY_DIRECTOR = "study_director", _("Study director")


class OutcomeKind(models.TextChoices):
    PRIMARY = "primary", _("Primary")
    SECONDARY = "secondary", _("Secondary")
    OTHER = "other", _("Other")


def label_of(choices: type[models.TextChoices], value: str) -> str:
    """The label of a stored value, or the value itself when it is not one of ``choices``."""
    try:
        return str(choices(value).label)
    except ValueError:
        return value
