"""The triage list's own filters: age, overdue, consultant."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import admin
from django.utils import timezone

from ..models import Status

class AgeFilter(admin.SimpleListFilter):
    title = "age"
    parameter_name = "age"

    def lookups(self, request, model_admin):
        return [("today", "Sent today"), ("2d", "Older than 2 days"), ("7d", "Older than a week"),
                ("30d", "Older than a month")]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "today":
            midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
            return queryset.filter(submitted_at__gte=midnight)
        days = {"2d": 2, "7d": 7, "30d": 30}.get(self.value())
        if days:
            return queryset.filter(submitted_at__lt=now - timedelta(days=days))
        return queryset


class OverdueFilter(admin.SimpleListFilter):
    title = "triage overdue"
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", "Overdue (submitted over 2 working days ago)"), ("no", "Not overdue")]

    def queryset(self, request, queryset):
        overdue = {"status": Status.SUBMITTED, "overdue_at__lte": timezone.now()}
        if self.value() == "yes":
            return queryset.filter(**overdue)
        if self.value() == "no":
            return queryset.exclude(**overdue)
        return queryset


class AssigneeFilter(admin.SimpleListFilter):
    """Me, nobody, or a colleague (the staff of my centres; superusers see every consultant)."""

    title = "consultant"
    parameter_name = "assignee"

    def lookups(self, request, model_admin):
        from accounts.models import User

        people = User.objects.filter(is_staff=True, is_active=True, memberships__isnull=False)
        if not request.user.is_superuser:
            people = people.filter(memberships__center__memberships__user=request.user)
        people = people.exclude(pk=request.user.pk).distinct().order_by("full_name").values_list("pk", "full_name")
        return [("me", "Me"), ("none", "Nobody yet"), *((str(pk), name) for pk, name in people)]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "me":
            return queryset.filter(assignee=request.user)
        if value == "none":
            return queryset.filter(assignee__isnull=True)
        if value and value.isdigit():
            return queryset.filter(assignee_id=int(value))
        return queryset
