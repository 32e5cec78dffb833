"""A study budget: arms, a visit calendar, procedures per visit, and the versions kept of it.

A budget belongs to a project (its team sees and edits it by the project's rights) and may be
attached to the budgeting consultation it was built in. Costs are direct costs per unit; the
F&A (facilities and administration, overhead) rate comes from the sponsor type.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from centers.models import FundingType

# F&A (overhead) rates by sponsor type, as a fraction of direct costs: the budget keeps its own copy.
FA_RATES = {FundingType.FEDERAL: Decimal("0.56"), FundingType.INDUSTRY: Decimal("0.30"),
            FundingType.OTHER: Decimal("0.15")}


class Budget(models.Model):
    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="budgets")
    consultation = models.ForeignKey("consultations.ConsultationRequest", on_delete=models.SET_NULL, null=True,
                                     blank=True, related_name="budgets",
                                     help_text="The budgeting consultation this budget is built in, if any.")
    title = models.CharField(max_length=200)
    sponsor_type = models.CharField(max_length=20, choices=FundingType.choices, default=FundingType.FEDERAL)
    fa_rate = models.DecimalField("F&A rate", max_digits=5, decimal_places=4,
                                  help_text="Facilities and administration (overhead), as a fraction: 0.56 is 56%.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["project", "title", "id"]
        constraints = [models.CheckConstraint(condition=models.Q(fa_rate__gte=0, fa_rate__lte=2),
                                              name="budget_fa_rate_range")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("budgets:detail", args=[self.pk])


class Arm(models.Model):
    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="arms")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=100)
    patients = models.PositiveIntegerField(default=0, help_text="Patients expected to complete the arm.")
    screen_failures = models.PositiveIntegerField(
        default=0, help_text="Patients expected to be screened and fail: they cost the first visit only.")

    class Meta:
        ordering = ["budget", "position"]
        constraints = [models.UniqueConstraint(fields=["budget", "position"], name="budget_arm_position")]

    def __str__(self) -> str:
        return self.name


class Visit(models.Model):
    """A visit of the calendar, shared by the arms (a procedure an arm does not do there counts 0)."""

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="visits")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=60)

    class Meta:
        ordering = ["budget", "position"]
        constraints = [models.UniqueConstraint(fields=["budget", "position"], name="budget_visit_position")]

    def __str__(self) -> str:
        return self.name


class Procedure(models.Model):
    """Something done at visits: from the catalogue (at its price for the sponsor type) or typed with its cost."""

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="procedures")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=120)
    service = models.ForeignKey("centers.Service", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+")
    unit_cost = models.DecimalField(max_digits=10, decimal_places=2)

    class Meta:
        ordering = ["budget", "position"]
        constraints = [
            models.UniqueConstraint(fields=["budget", "position"], name="budget_procedure_position"),
            models.CheckConstraint(condition=models.Q(unit_cost__gte=0), name="budget_procedure_cost_gte_0"),
        ]

    def __str__(self) -> str:
        return self.name


class Cell(models.Model):
    """How many times an arm does a procedure at a visit (rows with 0 are not kept)."""

    arm = models.ForeignKey(Arm, on_delete=models.CASCADE, related_name="cells")
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="+")
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="+")
    count = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["arm", "visit", "procedure"], name="budget_cell_once")]

    def __str__(self) -> str:
        return f"{self.arm} · {self.visit} · {self.procedure}: {self.count}"


class BudgetVersion(models.Model):
    """The budget as it was saved, with what changed since the version before."""

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    saved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    saved_at = models.DateTimeField(default=timezone.now)
    note = models.CharField(max_length=300, blank=True)
    changes = models.JSONField(default=list)
    snapshot = models.JSONField()
    total = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["budget", "-number"]
        constraints = [models.UniqueConstraint(fields=["budget", "number"], name="budget_version_number")]

    def __str__(self) -> str:
        return f"{self.budget} v{self.number}"
