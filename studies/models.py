"""Studies that recruit volunteers, the inquiries people send about them, and TRC beds.

The search vector of a study is maintained by ``studies.search.refresh_search_vectors``
(through ``studies.signals`` on save and when its conditions change); interest status moves go through
``studies.services.change_interest_status`` only.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import BigIntegerRangeField, DateTimeRangeField, RangeOperators
from django.contrib.postgres.indexes import GinIndex, GistIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.workflow import MoveTable

from . import registry_values

REFERENCE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"  # no look-alikes (0/O, 1/I/L, 5/S, 8/B, 2/Z)


def new_interest_reference() -> str:
    """A reference the person can quote (e.g. INQ-7KQ4-M3XP); random, so it reveals no volume."""
    chars = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"INQ-{chars[:4]}-{chars[4:]}"


NCT_VALIDATOR = RegexValidator(r"^NCT\d{8}$", "An NCT number is the letters NCT followed by 8 digits, e.g. NCT01234567.")


class Condition(models.Model):
    """A health condition a study is about, as a person would name it (diabetes, asthma)."""

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class StudyQuerySet(models.QuerySet):
    def listed(self) -> StudyQuerySet:
        """Studies anyone may see: public and not closed."""
        return self.filter(is_public=True).exclude(status__in=Study.CLOSED_STATUSES)

    def for_team(self, user) -> StudyQuerySet:
        """Studies whose team ``user`` is on (every study for a superuser)."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(team=user)


class Study(models.Model):
    # The registry's vocabulary (studies.registry_values): every value ClinicalTrials.gov sends.
    Phase = registry_values.Phase
    PHASE_EXPLAINED = registry_values.PHASE_EXPLAINED
    Status = registry_values.Status
    StudyType = registry_values.StudyType
    CLOSED_STATUSES = registry_values.CLOSED_STATUSES
    OPEN_TO_INQUIRIES = registry_values.OPEN_TO_INQUIRIES

    class Sex(models.TextChoices):
        ALL = "all", _("All")
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")

    title = models.CharField("official title", max_length=300)
    short_title = models.CharField(max_length=40, blank=True,
                                   help_text="Acronym or short name staff use, e.g. GLOW-2. Shown on the bed board.")
    lay_title = models.CharField("plain-language title", max_length=200,
                                 help_text="What the study is about, in words a patient uses.")
    summary = models.TextField("plain-language summary", help_text="What the study is for, in everyday words.")
    nct_id = models.CharField("NCT number", max_length=11, blank=True, validators=[NCT_VALIDATOR],
                              help_text="ClinicalTrials.gov identifier: NCT followed by 8 digits.")
    irb_protocol = models.CharField("IRB protocol", max_length=40, blank=True)
    phase = models.CharField(max_length=10, choices=Phase.choices)
    status = models.CharField("recruitment status", max_length=30, choices=Status.choices,
                              default=Status.NOT_YET_RECRUITING)
    study_type = models.CharField(max_length=20, choices=StudyType.choices, default=StudyType.INTERVENTIONAL)
    is_public = models.BooleanField("shown in the trial finder", default=False)
    conditions = models.ManyToManyField(Condition, related_name="studies", blank=True)
    keywords = models.CharField(max_length=300, blank=True, help_text="Other words people may search for, comma separated.")
    eligibility = models.TextField("who can join (plain language)")
    min_age = models.PositiveSmallIntegerField("minimum age (years)", null=True, blank=True,
                                               validators=[MaxValueValidator(120)])
    max_age = models.PositiveSmallIntegerField("maximum age (years)", null=True, blank=True,
                                               validators=[MaxValueValidator(120)])
    sex = models.CharField(max_length=10, choices=Sex.choices, default=Sex.ALL)
    healthy_volunteers = models.BooleanField("accepts healthy volunteers", default=False)
    center = models.ForeignKey("centers.Center", on_delete=models.PROTECT, related_name="studies",
                               verbose_name="centre or unit")
    pi_name = models.CharField("principal investigator", max_length=150)
    contact_name = models.CharField(max_length=150, blank=True, help_text="Public study contact (a coordinator).")
    contact_email = models.EmailField(help_text="Public study contact address; new inquiries are also announced to the team.")
    contact_phone = models.CharField(max_length=32, blank=True)
    trc_inpatient = models.BooleanField("includes a stay at the Translational Research Center", default=False)
    inpatient_nights = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(365)])
    compensation = models.CharField(max_length=300, blank=True, help_text="e.g. Up to $600 for completing all visits.")
    visits = models.CharField(max_length=500, blank=True, help_text="e.g. 6 visits over 3 months, about 2 hours each.")
    team = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="study_teams", blank=True,
                                  help_text="Staff who work this study's inquiries.")
    search_vector = SearchVectorField(null=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["search_vector", "updated_at"])

    objects = StudyQuerySet.as_manager()

    class Meta:
        ordering = ["lay_title"]
        verbose_name_plural = "studies"
        indexes = [
            GinIndex(fields=["search_vector"], name="study_search_idx"),
            models.Index(fields=["is_public", "status"], name="study_listed_idx"),
            models.Index(fields=["phase"], name="study_phase_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["nct_id"], condition=~models.Q(nct_id=""), name="study_nct_unique",
                                    violation_error_message="Another study already has this NCT number."),
            models.UniqueConstraint(fields=["irb_protocol"], condition=~models.Q(irb_protocol=""),
                                    name="study_irb_protocol_unique",
                                    violation_error_message="Another study already has this IRB protocol."),
            models.CheckConstraint(
                condition=models.Q(min_age__isnull=True) | models.Q(max_age__isnull=True)
                | models.Q(min_age__lte=models.F("max_age")),
                name="study_age_range_ordered",
                violation_error_message="The minimum age must not be above the maximum age.",
            ),
            models.CheckConstraint(
                condition=models.Q(trc_inpatient=True) | models.Q(inpatient_nights=0),
                name="study_nights_need_trc",
                violation_error_message="Inpatient nights only apply to a study with a TRC stay.",
            ),
        ]

    def __str__(self) -> str:
        return self.lay_title

    def save(self, *args, **kwargs):
        self.nct_id = (self.nct_id or "").strip().upper()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("studies:detail", args=[self.pk])

    @property
    def short_label(self) -> str:
        """How staff name the study in emails and on the bed board (never a condition)."""
        return self.short_title or self.nct_id or f"Study #{self.pk}"

    @property
    def is_closed(self) -> bool:
        return self.status in self.CLOSED_STATUSES

    @property
    def accepts_inquiries(self) -> bool:
        return self.is_public and self.status in self.OPEN_TO_INQUIRIES

    @property
    def phase_explained(self) -> str:
        return gettext(self.PHASE_EXPLAINED[self.phase]) if self.phase in self.PHASE_EXPLAINED else ""

    @property
    def status_explained(self) -> str:
        text = registry_values.STATUS_EXPLAINED.get(self.status)
        return gettext(text) if text else ""

    @property
    def clinicaltrials_url(self) -> str:
        return f"https://clinicaltrials.gov/study/{self.nct_id}" if self.nct_id else ""

    @property
    def age_range(self) -> str:
        if self.min_age is not None and self.max_age is not None:
            return gettext("%(min)s to %(max)s years old") % {"min": self.min_age, "max": self.max_age}
        if self.min_age is not None:
            return gettext("%(min)s years and older") % {"min": self.min_age}
        if self.max_age is not None:
            return gettext("Up to %(max)s years old") % {"max": self.max_age}
        return gettext("Any age")

    @property
    def sex_text(self) -> str:
        return {"all": gettext("All sexes"), "female": gettext("Women and girls only"),
                "male": gettext("Men and boys only")}[self.sex]


class PrescreenQuestion(models.Model):
    """A short yes/no or number question a person answers when they say they are interested."""

    class Kind(models.TextChoices):
        YES_NO = "yes_no", "Yes / no"
        NUMBER = "number", "Number"

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(max_length=300, help_text="Plain words, e.g. Do you use an inhaler most days?")
    text_es = models.CharField("Spanish text", max_length=300, blank=True, default="",
                               help_text="The same question in Spanish, e.g. ¿Usa un inhalador casi todos los días?")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.YES_NO)
    min_value = models.IntegerField(null=True, blank=True, help_text="Number questions: lowest accepted answer.")
    max_value = models.IntegerField(null=True, blank=True, help_text="Number questions: highest accepted answer.")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = "pre-screen question"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_value__isnull=True) | models.Q(max_value__isnull=True)
                | models.Q(min_value__lte=models.F("max_value")),
                name="prescreen_range_ordered",
                violation_error_message="The lowest answer must not be above the highest.",
            ),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def shown_text(self) -> str:
        """The question in the page's language: staff's Spanish when there is one."""
        return self.text_es if self.text_es and (get_language() or "").startswith("es") else self.text


class Interest(models.Model):
    """A person's "I'm interested" inquiry about a study. Name and contact details are protected."""

    class Status(models.TextChoices):
        NEW = "new", _("New")
        CONTACTED = "contacted", _("Contacted")
        INELIGIBLE = "ineligible", _("Ineligible")
        ELIGIBLE = "eligible", _("Eligible")
        CONSENTED = "consented", _("Consented")
        ENROLLED = "enrolled", _("Enrolled")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    # Where an inquiry may go from each status. Ineligible, declined and withdrawn are final.
    MOVES = MoveTable(Status, {
        Status.NEW: {Status.CONTACTED, Status.INELIGIBLE, Status.DECLINED, Status.WITHDRAWN},
        Status.CONTACTED: {Status.ELIGIBLE, Status.INELIGIBLE, Status.DECLINED, Status.WITHDRAWN},
        Status.ELIGIBLE: {Status.CONSENTED, Status.INELIGIBLE, Status.DECLINED, Status.WITHDRAWN},
        Status.CONSENTED: {Status.ENROLLED, Status.INELIGIBLE, Status.DECLINED, Status.WITHDRAWN},
        Status.ENROLLED: {Status.WITHDRAWN},
        Status.INELIGIBLE: set(), Status.DECLINED: set(), Status.WITHDRAWN: set(),
    })

    class Stage(models.IntegerChoices):
        """The funnel: how far an inquiry ever got, whatever happened after."""

        INQUIRY = 0, "Inquiries"
        CONTACTED = 1, "Contacted"
        ELIGIBLE = 2, "Eligible"
        CONSENTED = 3, "Consented"
        ENROLLED = 4, "Enrolled"

    class ContactBy(models.TextChoices):
        EMAIL = "email", _("Email")
        PHONE = "phone", _("Phone")

    class BestTime(models.TextChoices):
        ANY = "any", _("Any time")
        MORNING = "morning", _("Morning (9-12)")
        AFTERNOON = "afternoon", _("Afternoon (12-5)")
        EVENING = "evening", _("Early evening (5-7)")

    reference = models.CharField(max_length=20, unique=True, editable=False, default=new_interest_reference)
    study = models.ForeignKey(Study, on_delete=models.PROTECT, related_name="interests")
    name = models.CharField(max_length=150)
    email = models.EmailField(max_length=254, blank=True)
    phone = models.CharField(max_length=32, blank=True)
    preferred_contact = models.CharField(max_length=10, choices=ContactBy.choices, default=ContactBy.EMAIL)
    best_time = models.CharField("best time to call", max_length=10, choices=BestTime.choices, default=BestTime.ANY)
    answers = models.JSONField(default=dict, blank=True,
                               help_text="Pre-screen answers keyed by question id, with the question text as asked.")
    consent_to_contact = models.BooleanField(default=False)
    # The language of the page the person sent the form from: their emails are written in it.
    language = models.CharField(max_length=8, default="en", editable=False,
                                help_text="Language the person used (their emails are in it).")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="study_interests", help_text="Set when a signed-in person sent it.")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NEW)
    stage_reached = models.PositiveSmallIntegerField(choices=Stage.choices, default=Stage.INQUIRY, editable=False)
    status_reason = models.TextField(blank=True, help_text="Why the last move was made (required for ineligible).")
    status_changed_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["study", "status", "-created_at"], name="interest_study_status_idx"),
            models.Index(fields=["status", "-created_at"], name="interest_status_idx"),
            models.Index(fields=["-created_at"], name="interest_created_idx"),
            models.Index(fields=["user", "-created_at"], name="interest_user_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(consent_to_contact=True), name="interest_consent_required",
                                   violation_error_message="Consent to be contacted is required."),
            models.CheckConstraint(condition=~models.Q(email="") | ~models.Q(phone=""), name="interest_has_contact",
                                   violation_error_message="An email address or a phone number is required."),
        ]

    def __str__(self) -> str:
        return self.reference or f"Inquiry #{self.pk}"

    @property
    def person_label(self) -> str:
        """What the person sees about their own inquiry's status."""
        return PERSON_STATUS_TEXT[self.status]


PERSON_STATUS_TEXT = {
    Interest.Status.NEW: _("Received: the study team will contact you"),
    Interest.Status.CONTACTED: _("The study team has been in touch"),
    Interest.Status.ELIGIBLE: _("You may be able to take part"),
    Interest.Status.INELIGIBLE: _("Closed: this study is not a match"),
    Interest.Status.CONSENTED: _("You agreed to take part"),
    Interest.Status.ENROLLED: _("Taking part"),
    Interest.Status.DECLINED: _("Closed: you decided not to take part"),
    Interest.Status.WITHDRAWN: _("Withdrawn"),
}


class InterestStatusChange(models.Model):
    """One move of an inquiry through the workflow: who, when, from, to and why."""

    interest = models.ForeignKey(Interest, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=12, choices=Interest.Status.choices)
    to_status = models.CharField(max_length=12, choices=Interest.Status.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    reason = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["interest", "at"], name="interest_change_idx")]

    def __str__(self) -> str:
        return f"{self.interest}: {self.from_status} -> {self.to_status}"


TRC_BED_COUNT = 18


class Bed(models.Model):
    """One of the 18 inpatient beds of the Translational Research Center."""

    number = models.PositiveSmallIntegerField(unique=True, validators=[MinValueValidator(1),
                                                                       MaxValueValidator(TRC_BED_COUNT)])
    label = models.CharField(max_length=60, blank=True, help_text="e.g. Room 4, window side.")

    class Meta:
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(condition=models.Q(number__gte=1, number__lte=TRC_BED_COUNT),
                                   name="bed_number_in_range"),
        ]

    def __str__(self) -> str:
        return f"Bed {self.number}"


class BedBooking(models.Model):
    """One bed held for a study from admission to discharge.

    Two booked periods of the same bed never overlap: the database refuses it. The bed is
    compared as a one-value integer range (``[bed_id, bed_id]``) so that the constraint needs
    only the built-in range GiST operator class, not the btree_gist extension.
    """

    class Status(models.TextChoices):
        BOOKED = "booked", "Booked"
        CANCELLED = "cancelled", "Cancelled"

    bed = models.ForeignKey(Bed, on_delete=models.PROTECT, related_name="bookings")
    study = models.ForeignKey(Study, on_delete=models.PROTECT, related_name="bed_bookings")
    period = DateTimeRangeField(help_text="Admission to discharge.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.BOOKED)
    note = models.CharField(max_length=200, blank=True, help_text="For the ward: no patient names or details.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["period"]
        indexes = [GistIndex(fields=["period"], name="bedbooking_period_idx")]
        constraints = [
            ExclusionConstraint(
                name="bedbooking_no_overlap",
                expressions=[
                    (models.Func(models.F("bed_id"), models.F("bed_id"), models.Value("[]"), function="int8range",
                                 output_field=BigIntegerRangeField()), RangeOperators.OVERLAPS),
                    ("period", RangeOperators.OVERLAPS),
                ],
                condition=models.Q(status="booked"),
                violation_error_message="This bed is already booked for part of that time.",
            ),
            models.CheckConstraint(
                condition=models.Q(period__isempty=False, period__lower_inf=False, period__upper_inf=False),
                name="bedbooking_period_bounded",
                violation_error_message="A booking needs an admission and a later discharge.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.bed} for {self.study.short_label}"

    @property
    def admission(self):
        return self.period.lower if self.period else None

    @property
    def discharge(self):
        return self.period.upper if self.period else None


# Models of the registry's record (sites, arms, outcomes...) and the staff's Spanish text, kept in
# modules of their own; imported here so that Django registers them with this app.
from .registry_models import Location, RegistryRecord, SpanishText  # noqa: E402, F401
from .saved_models import SavedStudy  # noqa: E402, F401
from .note_models import InterestNote  # noqa: E402,F401  (one module per job; the app loads it here)
from .alert_models import StudyAlert, StudyAlertItem  # noqa: E402, F401
