from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.shortcuts import render
from django.utils import timezone

from common.admin_tools import LabelledTabularInline

from accounts.models import User

from .models import Affiliate, Inquiry, InquiryNote, InquiryStatusChange
from .services import assign, change_status

S = Inquiry.Status


class InquiryNoteInline(LabelledTabularInline, admin.TabularInline):
    model = InquiryNote
    extra = 1
    fields = ["body", "author", "created_at"]
    readonly_fields = ["author", "created_at"]

    def has_change_permission(self, request, obj=None):
        return False


class StatusChangeInline(LabelledTabularInline, admin.TabularInline):
    model = InquiryStatusChange
    extra = 0
    fields = ["at", "from_label", "to_label", "by", "note"]
    readonly_fields = fields
    can_delete = False
    verbose_name_plural = "status history"

    @admin.display(description="from")
    def from_label(self, change):
        return dict(S.choices).get(change.from_status, "—")

    @admin.display(description="to")
    def to_label(self, change):
        return dict(S.choices).get(change.to_status, change.to_status)

    def has_add_permission(self, request, obj=None):
        return False


class AgeFilter(admin.SimpleListFilter):
    title = "age"
    parameter_name = "age"

    def lookups(self, request, model_admin):
        return [("week", "Older than a week"), ("month", "Older than a month")]

    def queryset(self, request, queryset):
        days = {"week": 7, "month": 30}.get(self.value())
        if days:
            return queryset.filter(submitted_at__lt=timezone.now() - timezone.timedelta(days=days))
        return queryset


class ReasonForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Reason (the partner can read it)")


@admin.register(Inquiry)
class InquiryAdmin(admin.ModelAdmin):
    list_display = ["reference", "organisation", "kind", "area", "status", "assignee", "confidential", "submitted_at"]
    list_filter = ["status", "kind", "area", "confidential", AgeFilter, ("assignee", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["reference", "organisation", "contact_name"]
    list_select_related = ["assignee"]
    show_full_result_count = False
    date_hierarchy = "submitted_at"
    readonly_fields = ["reference", "status", "submitted_by", "submitted_at", "decision_reason"]
    fields = ["reference", "status", "organisation", "kind", "contact_name", "contact_email", "contact_phone", "area",
              "proposal", "confidential", "assignee", "decision_reason", "submitted_by", "submitted_at"]
    inlines = [InquiryNoteInline, StatusChangeInline]
    actions = ["assign_to_me", "start_review", "start_discussion", "mark_agreed", "decline", "close"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        # A confidential proposal is read by its assignee (and superusers) only.
        return queryset.filter(Q(confidential=False) | Q(assignee=request.user) | Q(assignee__isnull=True))

    def get_readonly_fields(self, request, obj=None):
        fields = list(self.readonly_fields)
        if obj is not None:
            fields += ["organisation", "kind", "contact_name", "contact_email", "contact_phone", "area", "proposal"]
        return fields

    def has_add_permission(self, request):
        return False

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "assignee":
            kwargs["queryset"] = User.objects.filter(is_staff=True, is_active=True).order_by("full_name")
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        return field

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        widget = form.base_fields.get("assignee") and form.base_fields["assignee"].widget
        if widget is not None:
            widget.can_add_related = widget.can_change_related = widget.can_delete_related = False
        return form

    def save_formset(self, request, form, formset, change):
        if formset.model is InquiryNote:
            for note in formset.save(commit=False):
                note.author = request.user
                note.save()
            return
        super().save_formset(request, form, formset, change)

    def save_model(self, request, obj, form, change):
        if "assignee" in form.changed_data and obj.assignee:
            assignee = obj.assignee
            obj.assignee = Inquiry.objects.get(pk=obj.pk).assignee
            super().save_model(request, obj, form, change)
            assign(obj, assignee, by=request.user)
            return
        super().save_model(request, obj, form, change)

    def _move(self, request, queryset, to_status, reason=""):
        moved = 0
        for inquiry in queryset:
            try:
                change_status(inquiry, to_status, by=request.user, reason=reason)
                moved += 1
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
        if moved:
            self.message_user(request, f"{moved} inquir{'y' if moved == 1 else 'ies'} moved to "
                                       f"“{dict(S.choices)[to_status].lower()}”.", messages.SUCCESS)

    @admin.action(description="Assign to me")
    def assign_to_me(self, request, queryset):
        for inquiry in queryset:
            assign(inquiry, request.user, by=request.user)
        self.message_user(request, f"{queryset.count()} inquiries assigned to you.", messages.SUCCESS)

    @admin.action(description="Start review")
    def start_review(self, request, queryset):
        self._move(request, queryset, S.IN_REVIEW)

    @admin.action(description="Move to discussion")
    def start_discussion(self, request, queryset):
        self._move(request, queryset, S.IN_DISCUSSION)

    @admin.action(description="Mark partnership agreed")
    def mark_agreed(self, request, queryset):
        self._move(request, queryset, S.AGREED)

    @admin.action(description="Close")
    def close(self, request, queryset):
        self._move(request, queryset, S.CLOSED)

    @admin.action(description="Decline with a reason…")
    def decline(self, request, queryset):
        form = ReasonForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            self._move(request, queryset, S.DECLINED, reason=form.cleaned_data["reason"])
            return None
        return render(request, "admin/collaborations/decline.html", {
            **self.admin_site.each_context(request), "title": "Decline partnership inquiries",
            "queryset": queryset, "form": form, "opts": self.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        })


@admin.register(Affiliate)
class AffiliateAdmin(admin.ModelAdmin):
    # A website typed without a scheme means https.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["name", "joined_on", "active"]
    list_filter = ["active"]
    search_fields = ["name"]
