"""The request's history, messages and time entries on its change page."""

from __future__ import annotations

from django import forms
from django.contrib import admin

from ..models import Message, StatusChange, TimeEntry

class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    extra = 0
    can_delete = False
    fields = ["changed_at", "from_status", "to_status", "changed_by", "note"]
    readonly_fields = fields
    verbose_name_plural = "status history"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("changed_by")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class MessageInline(admin.TabularInline):
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


class TimeEntryInline(admin.TabularInline):
    model = TimeEntry
    extra = 1
    fields = ["date", "hours", "note", "consultant"]
    readonly_fields = ["consultant"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("consultant")
