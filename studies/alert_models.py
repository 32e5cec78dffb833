"""Study alerts: a finder search (or a person's saved studies) followed by email.

A ``StudyAlert`` keeps the search both as the finder's address (``query``, for the links) and
as columns (``q``, ``phases``, ``age`` ...), so that ``studies.alert_matching`` matches every
alert against the changed studies in one SQL statement. ``StudyAlertItem`` records each study an
alert has seen (the ones already matching when it started, and every one mailed since) with the
status it had then: a study is never mailed twice for the same status.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords
from django.utils.translation import gettext_lazy as _


class StudyAlert(models.Model):
    class Kind(models.TextChoices):
        SEARCH = "search", _("A search")
        SAVED = "saved", _("My saved studies")

    class Frequency(models.TextChoices):
        DAILY = "daily", _("Daily")
        WEEKLY = "weekly", _("Weekly")

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.SEARCH)
    # A signed-in person's alert; a visitor's has no user and only the address they typed.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
                             related_name="study_alerts")
    email = models.EmailField(max_length=254)
    name = models.CharField(max_length=120)
    frequency = models.CharField(max_length=10, choices=Frequency.choices, default=Frequency.WEEKLY)
    language = models.CharField(max_length=8, default="en")
    query = models.CharField(max_length=600, blank=True, help_text="The finder's address of the search.")
    # The search as columns (see alert_matching); empty means "any".
    q = models.CharField(max_length=200, blank=True)
    condition = models.CharField(max_length=120, blank=True)
    phases = ArrayField(models.CharField(max_length=10), default=list, blank=True)
    age = models.PositiveSmallIntegerField(null=True, blank=True)
    sex = models.CharField(max_length=10, blank=True)
    healthy = models.BooleanField(default=False)
    trc = models.BooleanField(default=False)
    center = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=30, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    miles = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    confirmed_at = models.DateTimeField(null=True, blank=True, help_text="Nothing is sent before this.")
    # Studies changed after this were not looked at yet for this alert.
    checked_at = models.DateTimeField(default=timezone.now)
    last_period = models.CharField(max_length=12, blank=True, help_text="The period of the last digest sent.")
    last_sent_at = models.DateTimeField(null=True, blank=True)
    # The address is a contact detail (common.protected): its changes are kept, not the run's marks.
    history = HistoricalRecords(excluded_fields=["checked_at", "last_period", "last_sent_at"])

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "kind"], name="study_alert_user_idx"),
                   models.Index(fields=["created_at"], name="study_alert_unconfirmed_idx",
                                condition=models.Q(confirmed_at__isnull=True))]
        constraints = [models.UniqueConstraint(fields=["user"], condition=models.Q(kind="saved"),
                                               name="study_alert_saved_once")]

    def __str__(self) -> str:
        return f"Study alert #{self.pk} ({self.frequency})"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class StudyAlertItem(models.Model):
    alert = models.ForeignKey(StudyAlert, on_delete=models.CASCADE, related_name="items")
    study = models.ForeignKey("studies.Study", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=30, help_text="The study's status when last seen or mailed.")
    mailed_at = models.DateTimeField(null=True, blank=True, help_text="Empty: seen when the alert started.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["alert", "study"], name="study_alert_item_once")]

    def __str__(self) -> str:
        return f"Study #{self.study_id} for alert #{self.alert_id}"
