"""A researcher's project or study, its team with each member's rights, and requests to join it.

What a team member may see and do follows the project: ``view`` shows the project and the
consultation requests filed on it, ``request`` also files and follows requests on it, ``edit``
also changes the project and its team and grants access. Access requests move only through
``projects.services.decide_access`` (table ``MOVES`` below).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from centers.models import FundingType
from common.workflow import MoveTable


class Rights(models.TextChoices):
    VIEW = "view", "View"
    REQUEST = "request", "View and request services"
    EDIT = "edit", "View, request and edit the project and its team"


# Each right includes the ones before it.
RIGHTS_ORDER = (Rights.VIEW, Rights.REQUEST, Rights.EDIT)


def rights_at_least(needed: str) -> list[str]:
    """The rights that include ``needed`` (``request`` -> request, edit)."""
    return [str(r) for r in RIGHTS_ORDER[RIGHTS_ORDER.index(needed):]]


class Role(models.TextChoices):
    PI = "pi", "Principal investigator"
    CO_INVESTIGATOR = "co_investigator", "Co-investigator"
    COORDINATOR = "coordinator", "Study coordinator"
    OTHER = "other", "Other team member"


class Project(models.Model):
    title = models.CharField(max_length=200)
    pi = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="projects_led",
                           verbose_name="principal investigator")
    irb_number = models.CharField("IRB number", max_length=40, blank=True,
                                  help_text="The protocol number the IRB gave the study, if it has one.")
    funding_type = models.CharField(max_length=20, choices=FundingType.choices, default=FundingType.FEDERAL,
                                    help_text="Decides which rate of a priced service applies.")
    funding_source = models.CharField(max_length=200, blank=True, help_text="For example “NIH R01 HL123456”.")
    sponsor = models.CharField(max_length=200, blank=True)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["title", "id"]
        indexes = [models.Index(fields=["irb_number"], name="project_irb_idx")]
        constraints = [models.CheckConstraint(
            condition=models.Q(end_date__isnull=True) | models.Q(start_date__isnull=True)
            | models.Q(end_date__gte=models.F("start_date")), name="project_dates_ordered")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("projects:detail", args=[self.pk])


class Member(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="project_memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    rights = models.CharField(max_length=10, choices=Rights.choices)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["project", "id"]
        verbose_name = "team member"
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="project_member_once"),
            # The PI always manages the project.
            models.CheckConstraint(condition=~models.Q(role="pi") | models.Q(rights="edit"),
                                   name="project_pi_edits"),
        ]
        indexes = [models.Index(fields=["user", "project"], name="project_member_user_idx")]

    def __str__(self) -> str:
        return f"{self.user} on {self.project} ({self.get_role_display()}, {self.rights})"


class AccessStatus(models.TextChoices):
    PENDING = "pending", "Waiting for an answer"
    GRANTED = "granted", "Granted"
    REFUSED = "refused", "Refused"
    WITHDRAWN = "withdrawn", "Withdrawn"


MOVES = MoveTable(AccessStatus, {
    AccessStatus.PENDING: {AccessStatus.GRANTED, AccessStatus.REFUSED, AccessStatus.WITHDRAWN},
    AccessStatus.GRANTED: set(),
    AccessStatus.REFUSED: set(),
    AccessStatus.WITHDRAWN: set(),
})


class AccessRequest(models.Model):
    """Someone outside the team asks to join it; a member with edit rights answers."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="access_requests")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    role = models.CharField("your role on the study", max_length=20, choices=Role.choices,
                            default=Role.COORDINATOR)
    rights = models.CharField("rights you need", max_length=10, choices=Rights.choices, default=Rights.REQUEST)
    note = models.CharField("why you need access", max_length=500)
    status = models.CharField(max_length=10, choices=AccessStatus.choices, default=AccessStatus.PENDING,
                              editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", editable=False)
    decided_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "access request"
        constraints = [models.UniqueConstraint(fields=["project", "user"], condition=models.Q(status="pending"),
                                               name="project_one_pending_access")]

    def __str__(self) -> str:
        return f"{self.user} asks to join {self.project}"
