"""The staff dashboard's figures, kept up to date by PostgreSQL on every write (``dashboards.rollups``).

Each table is a sum over the requests or inquiries, grouped the way the dashboard shows it. Triggers
on the source tables add what a statement inserted and take away what it deleted or changed (an
ORM save, a bulk update, a raw ``UPDATE`` or a ``COPY`` alike), so the dashboard reads a few hundred
rows whatever the number of requests. ``manage.py rebuild_dashboard_figures`` counts them again from
the source tables. No foreign-key constraints: a row here never blocks deleting its centre or study.
"""

from __future__ import annotations

from django.db import models


def _centre():
    return models.ForeignKey("centers.Center", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")


class RequestMonth(models.Model):
    """Requests submitted per centre, service and month (in the portal's time zone)."""

    center = _centre()
    service = models.ForeignKey("centers.Service", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    month = models.DateField()
    requests = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["center", "service", "month"], name="dash_request_month_uniq")]
        indexes = [models.Index(fields=["month"], name="dash_request_month_idx")]


class CentreTotals(models.Model):
    """Every request of a centre: how many, how many still open, hours used and allotted, and how many
    used more than allotted."""

    center = models.OneToOneField("centers.Center", on_delete=models.DO_NOTHING, db_constraint=False,
                                  related_name="+")
    requests = models.IntegerField(default=0)
    open_requests = models.IntegerField(default=0)
    hours_used = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    hours_allotted = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    over_allotment = models.IntegerField(default=0)


class Turnaround(models.Model):
    """How many requests of a centre took each duration, in tenths of a day (rounded), to triage or to
    complete: enough to find the median to the tenth the dashboard shows."""

    class Kind(models.TextChoices):
        TRIAGE = "t", "Submission to triage"
        COMPLETION = "c", "Submission to completion"

    center = _centre()
    kind = models.CharField(max_length=1, choices=Kind.choices)
    tenths = models.IntegerField()
    requests = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["center", "kind", "tenths"], name="dash_turnaround_uniq")]


class OpenRequestDay(models.Model):
    """Requests still open, per centre and day of submission (in the portal's time zone)."""

    center = _centre()
    day = models.DateField()
    requests = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["center", "day"], name="dash_open_day_uniq")]
        indexes = [models.Index(fields=["day"], name="dash_open_day_idx")]  # the last month's days


class InterestMonth(models.Model):
    """Inquiries ("I'm interested") per centre of the study and month received."""

    center = _centre()
    month = models.DateField()
    interests = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["center", "month"], name="dash_interest_month_uniq")]


class StudyFunnel(models.Model):
    """A study's inquiries by the furthest stage each reached: ``contacted`` counts every inquiry that
    got at least that far, and so on."""

    study = models.OneToOneField("studies.Study", on_delete=models.DO_NOTHING, db_constraint=False,
                                 related_name="+")
    inquiries = models.IntegerField(default=0)
    contacted = models.IntegerField(default=0)
    eligible = models.IntegerField(default=0)
    consented = models.IntegerField(default=0)
    enrolled = models.IntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["-inquiries", "study"], name="dash_funnel_top_idx")]
