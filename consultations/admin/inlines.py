"""The request's history, messages and time entries on its change page."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from common.admin_tools import LabelledTabularInline

from .. import selectors
from ..models import LineItem, Message, StatusChange, TimeEntry


class StatusChangeInline(LabelledTabularInline, admin.TabularInline):
    model = StatusChange
    extra = 0
    can_delete = False
    fields = ["changed_at", "line", "from_status", "to_status", "changed_by", "note"]
    readonly_fields = fields
    verbose_name_plural = "status history"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("changed_by", "line__service", "line__request")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class MessageInline(LabelledTabularInline, admin.TabularInline):
    """The thread with the researcher. Messages are never edited; staff add new ones below."""

    model = Message
    extra = 1
    can_delete = False
    fields = ["created_at", "author", "body", "internal"]
    readonly_fields = ["created_at", "author"]
    verbose_name = "message"
    verbose_name_plural = "messages (internal notes are never shown to the researcher)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")

    def has_change_permission(self, request, obj=None):
        return False

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form.base_fields["body"].widget = forms.Textarea(attrs={"rows": 3, "cols": 70})
        formset.form.base_fields["body"].label = "Message"
        return formset


class TimeEntryInline(LabelledTabularInline, admin.TabularInline):
    model = TimeEntry
    extra = 1
    fields = ["date", "hours", "note", "consultant"]
    readonly_fields = ["consultant"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("consultant")

    def has_add_permission(self, request, obj=None):
        # Hours are logged by those who may work on the request (selectors.may_work_on_request).
        return super().has_add_permission(request, obj) and (
            obj is None or selectors.may_work_on_request(request.user, obj))


class LineItemInline(LabelledTabularInline, admin.TabularInline):
    """The request's services: each is moved on its own page (its status, consultant and history)."""

    model = LineItem
    extra = 0
    can_delete = False
    fields = ["position", "service", "center", "quantity", "unit_price", "estimate_display", "status",
              "assignee", "move_link"]
    readonly_fields = fields
    verbose_name_plural = "services (each triaged on its own)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("service", "center", "assignee")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="Estimate")
    def estimate_display(self, line):
        return "To be agreed" if line.estimate is None else f"${line.estimate:,.2f}"

    @admin.display(description="")
    def move_link(self, line):
        if line.is_closed:
            return "Closed"
        url = reverse("admin:consultations_consultationrequest_line", args=[line.request_id, line.pk])
        return format_html('<a href="{}">Triage, assign or move</a>', url)
