"""Consent tiers: the consent form's statements, coded and versioned, and each participant's answers.

A participant answers each statement yes, no, or was not asked it (an older form). One
statement can be withdrawn without the others. The research and re-contact answers are also
kept on the participant (``consent_research``, ``consent_recontact``) by the services that
write answers, for the cohort index.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords


class ConsentUse(models.TextChoices):
    RESEARCH = "research", "Research use"
    GENETIC = "genetic", "Genetic research"
    COMMERCIAL = "commercial", "Commercial use"
    SHARING = "sharing_outside", "Sharing data outside the hospital"
    FUTURE = "future_research", "Storage for unspecified future research"
    RECONTACT = "recontact", "Re-contact about new studies"


# The uses a request may declare (research is every request's; re-contact is a request of its own).
REQUESTABLE_USES = (ConsentUse.GENETIC, ConsentUse.COMMERCIAL, ConsentUse.SHARING, ConsentUse.FUTURE)


class ConsentAnswer(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    NOT_ASKED = "not_asked", "Not asked"


class ConsentStatement(models.Model):
    """One statement of one version of the consent form, as the participant read it."""

    code = models.CharField(max_length=20, choices=ConsentUse.choices)
    version = models.CharField("form version", max_length=20, help_text="As printed on the form, e.g. v3.")
    text = models.TextField(help_text="The statement as worded on that version of the form.")
    introduced_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["code", "version"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="consent_statement_unique")]

    def __str__(self) -> str:
        return f"{self.get_code_display()} ({self.version})"


class ConsentResponse(models.Model):
    """A participant's current answer to one statement; earlier answers are in its history."""

    participant = models.ForeignKey("Participant", on_delete=models.CASCADE, related_name="consent_answers")
    code = models.CharField("statement", max_length=20, choices=ConsentUse.choices)
    answer = models.CharField(max_length=10, choices=ConsentAnswer.choices)
    answered_on = models.DateField(null=True, blank=True)
    form_version = models.CharField(max_length=20, blank=True)
    withdrawn_on = models.DateField(null=True, blank=True, help_text="Set when this one statement was withdrawn.")
    updated_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords(no_db_index=["participant"], user_db_constraint=False)

    class Meta:
        ordering = ["participant", "code"]
        verbose_name = "consent answer"
        constraints = [
            models.UniqueConstraint(fields=["participant", "code"], name="consent_answer_one_per_statement"),
            models.CheckConstraint(condition=Q(withdrawn_on__isnull=True) | Q(answer="no"),
                                   name="consent_answer_withdrawn_is_no"),
        ]
        indexes = [
            # "Which donors said yes to this use": the cohort query's semi-join.
            models.Index(fields=["code", "participant"], name="consent_answer_yes_idx", condition=Q(answer="yes")),
        ]

    def __str__(self) -> str:
        return f"{self.get_code_display()}: {self.get_answer_display()}"
