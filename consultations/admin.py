"""The triage desk: DCR staff filter, assign, move and answer consultation requests here.

Every status move goes through ``services.change_status`` (directly or via ``services.assign``);
staff see only what ``selectors.staff_visible`` lets them see, in lists as in object URLs.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.utils import unquote
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from simple_history.admin import SimpleHistoryAdmin

from common.csv_export import streaming_csv_response

from . import selectors, services, triage_cache
from .forms import AssignForm, ChangeStatusForm, DeclineForm
from .models import Attachment, ConsultationRequest, Message, Status, StatusChange, TimeEntry
from .templatetags.consultations_tags import hours as format_hours

MAX_ERRORS_SHOWN = 10
CSV_COLUMNS = ["Reference", "Submitted", "Title", "Service", "Centre", "Status", "Priority", "Requester",
               "Requester email", "Consultant", "Deadline", "Age (days)", "Overdue", "Hours used", "Hours allotted"]


# --- list filters ------------------------------------------------------------------------

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


# --- inlines -----------------------------------------------------------------------------

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


# --- the request admin -------------------------------------------------------------------

class ConsultationRequestAdminForm(forms.ModelForm):
    class Meta:
        model = ConsultationRequest
        fields = ["service", "center", "priority", "hours_allotted"]

    def clean(self):
        data = super().clean()
        center = data.get("center")
        request_obj = self.instance
        if center and request_obj.assignee_id and center.pk != request_obj.center_id \
                and not selectors.is_center_staff(request_obj.assignee, center.pk):
            self.add_error("center", f"{request_obj.assignee} is not on the staff of {center}: "
                                     "assign the request to someone there after moving it.")
        return data


def _csv_rows(queryset):
    for c in queryset.select_related("requester", "service", "center", "assignee").iterator(chunk_size=2000):
        yield (c.reference, timezone.localtime(c.submitted_at).strftime("%Y-%m-%d %H:%M"), c.title, c.service.name,
               c.center.name, c.get_status_display(), c.get_priority_display(), c.requester.full_name,
               c.requester.email, c.assignee.full_name if c.assignee else "", c.deadline or "", c.age_days,
               "yes" if c.is_overdue else "no", format_hours(c.hours_used), format_hours(c.hours_allotted))


def csv_response(queryset, filename: str) -> StreamingHttpResponse:
    return streaming_csv_response(CSV_COLUMNS, _csv_rows(queryset), filename)


class RecentCountPaginator(Paginator):
    """The triage list's paginator: the number of matching requests (a scan of every visible
    request, most of the list's database time at 50,000 requests) is reused for COUNT_SECONDS for
    the same query. The rows themselves are always read fresh; only the total may lag a little."""

    COUNT_SECONDS = 30

    @cached_property
    def count(self) -> int:
        sql, params = self.object_list.query.sql_with_params()
        key = "consultations:triage-count:" + hashlib.sha256(repr((sql, params)).encode()).hexdigest()
        value = cache.get(key)
        if value is None:
            value = Paginator.count.func(self)
            cache.set(key, value, self.COUNT_SECONDS)
        return value


@admin.register(ConsultationRequest)
class ConsultationRequestAdmin(SimpleHistoryAdmin):
    paginator = RecentCountPaginator
    form = ConsultationRequestAdminForm
    change_list_template = "admin/consultations/consultationrequest/change_list.html"
    change_form_template = "admin/consultations/consultationrequest/change_form.html"
    list_display = ["reference", "short_title", "requester", "status", "assignee", "priority", "age", "overdue",
                    "hours"]
    list_display_links = ["reference"]
    list_filter = ["status", OverdueFilter, AgeFilter, AssigneeFilter, "priority", "service", "center"]
    list_select_related = ["requester", "service", "center", "assignee"]
    # Searched by selectors.search_requests (indexed: reference, title words, requester).
    search_fields = ["reference", "title", "requester__email", "requester__full_name"]
    search_help_text = "Reference (DCR-2026-00042), words of the title, or the requester's name or email."
    show_full_result_count = False
    # No "show counts": a count per filter choice scans every row (36 queries, 0.3 s at 50,000 requests).
    show_facets = admin.ShowFacets.NEVER
    list_per_page = 50
    ordering = ["-submitted_at", "-id"]
    inlines = [StatusChangeInline, MessageInline, TimeEntryInline]
    actions = ["assign_to_me", "assign_to", "triage", "start_work", "put_on_hold", "decline", "complete",
               "export_csv"]
    fieldsets = [
        ("Request", {"fields": ["reference", "requester_details", "service", "center", "title", "summary",
                                "study_stage", "funding_status", "sponsor", "deadline", "attachment_links"]}),
        ("Triage", {"fields": ["status_summary", "assignee", "priority", "hours_allotted", "hours_used_display",
                               "submitted_at", "triaged_at", "completed_at"]}),
    ]
    readonly_fields = ["reference", "requester_details", "title", "summary", "study_stage", "funding_status",
                       "sponsor", "deadline", "attachment_links", "status_summary", "assignee", "hours_used_display",
                       "submitted_at", "triaged_at", "completed_at"]

    class Media:
        css = {"all": ["css/consultations_admin.css"]}

    # --- who sees what ----------------------------------------------------------------

    def get_queryset(self, request):
        return selectors.staff_visible(request.user, super().get_queryset(request))

    def has_view_permission(self, request, obj=None):
        allowed = super().has_view_permission(request, obj)
        return allowed and (obj is None or selectors.staff_can_see(request.user, obj))

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or selectors.staff_can_see(request.user, obj))

    def has_add_permission(self, request):
        # Requests are filed by researchers through the portal, which numbers them and tells everyone.
        return False

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "service":
            kwargs["queryset"] = db_field.related_model.objects.select_related("center")
        if db_field.name == "center":
            kwargs["queryset"] = db_field.related_model.objects.filter(active=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _visible_or_404(self, request, object_id):
        if self.get_object(request, unquote(object_id)) is None:
            raise Http404("No such consultation request.")

    def history_view(self, request, object_id, extra_context=None):
        self._visible_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._visible_or_404(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def changelist_view(self, request, extra_context=None):
        # The triage list is wide; the site menu stays one click away in the breadcrumbs.
        context = {"is_nav_sidebar_enabled": False, **(extra_context or {})}
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        return triage_cache.cached_changelist(request, lambda: super(ConsultationRequestAdmin, self)
                                              .changelist_view(request, context))

    # --- search -----------------------------------------------------------------------

    def get_search_results(self, request, queryset, search_term):
        return selectors.search_requests(queryset, search_term), False

    # --- columns ----------------------------------------------------------------------

    def action_checkbox(self, obj):
        # Django's own renders a form widget through the template engine for every row (a quarter
        # of the list's time at 50 rows); the same markup, written directly.
        label = format_html(gettext("Select this object for an action - {}"), str(obj))
        return format_html('<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
                           ACTION_CHECKBOX_NAME, obj.pk, label)

    @admin.display(description="Title, service and centre", ordering="title")
    def short_title(self, obj):
        title = obj.title if len(obj.title) <= 60 else obj.title[:57] + "…"
        return format_html('{}<br><span class="quiet">{} · {}</span>', title, obj.service.name, obj.center.name)

    @admin.display(description="Age (days)", ordering="-submitted_at")
    def age(self, obj):
        return obj.age_days

    @admin.display(description="Overdue")
    def overdue(self, obj):
        # Only the overdue rows say anything, so that they stand out.
        return mark_safe('<strong class="overdue-flag">Overdue</strong>') if obj.is_overdue else ""  # nosec B308: constant markup

    @admin.display(description="Hours used", ordering="hours_used")
    def hours(self, obj):
        text = f"{format_hours(obj.hours_used)} of {format_hours(obj.hours_allotted)}"
        if obj.allotment_used_up:
            return format_html('<strong title="The allotted hours are used up">{} ⚠</strong>', text)
        return text

    @admin.display(description="Hours used")
    def hours_used_display(self, obj):
        return f"{format_hours(obj.hours_used)} of {format_hours(obj.hours_allotted)}"

    @admin.display(description="Requester")
    def requester_details(self, obj):
        person = obj.requester
        return format_html("{} &lt;{}&gt;{}", person.full_name, person.email,
                           f" · {person.organisation}" if person.organisation else "")

    @admin.display(description="Status")
    def status_summary(self, obj):
        if obj.is_closed:
            return format_html("<strong>{}</strong> (closed)", obj.get_status_display())
        extra = " · waiting for triage for over 2 working days" if obj.is_overdue else ""
        return format_html("<strong>{}</strong>{} (<a href=\"{}\">change status</a>)", obj.get_status_display(),
                           extra, reverse("admin:consultations_consultationrequest_status", args=[obj.pk]))

    @admin.display(description="Documents")
    def attachment_links(self, obj):
        rows = [(a.get_absolute_url(), a.original_name) for a in obj.attachments.all()]
        if not rows:
            return "None"
        return format_html_join(mark_safe("<br>"), '<a href="{}">{}</a>', rows)  # nosec B308: a constant <br> joining escaped links

    # --- saving -----------------------------------------------------------------------

    def save_formset(self, request, form, formset, change):
        consultation = form.instance
        if formset.model is Message:
            # Saved by the service (which emails the researcher); the change log lists those rows.
            formset.new_objects = [
                services.post_message(consultation, author=request.user, body=message.body,
                                      internal=message.internal)
                for message in formset.save(commit=False)
            ]
        elif formset.model is TimeEntry:
            for entry in formset.save(commit=False):
                if entry.pk is None:
                    entry.consultant = request.user
                entry.save()
            for entry in formset.deleted_objects:
                entry.delete()
            consultation.hours_used = services.refresh_hours_used(consultation.pk)
        else:
            super().save_formset(request, form, formset, change)

    def _warn_if_used_up(self, request, obj):
        if obj.allotment_used_up:
            self.message_user(
                request,
                f"{obj.reference}: {format_hours(obj.hours_used)} of {format_hours(obj.hours_allotted)} allotted hours "
                "are used. Agree more hours with the researcher before logging more time.",
                messages.WARNING)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and request.method == "GET":
            self._warn_if_used_up(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def response_change(self, request, obj):
        if "_continue" not in request.POST:
            self._warn_if_used_up(request, obj)
        return super().response_change(request, obj)

    # --- per-request pages: change status, assign -------------------------------------

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        own = [
            path("export/", self.admin_site.admin_view(self.export_view), name="%s_%s_export" % info),
            path("<path:object_id>/status/", self.admin_site.admin_view(self.change_status_view),
                 name="%s_%s_status" % info),
            path("<path:object_id>/assign/", self.admin_site.admin_view(self.assign_view),
                 name="%s_%s_assign" % info),
        ]
        return own + super().get_urls()

    def _editable_object(self, request, object_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self.has_change_permission(request, obj):
            return None
        return obj

    def _object_page(self, request, obj, form, title, submit_label):
        context = {
            **self.admin_site.each_context(request), "opts": self.opts, "original": obj,
            "form": None if obj.is_closed else form, "title": title, "submit_label": submit_label,
            "change_url": reverse("admin:consultations_consultationrequest_change", args=[obj.pk]),
        }
        return TemplateResponse(request, "admin/consultations/consultationrequest/object_form.html", context)

    def change_status_view(self, request, object_id):
        obj = self._editable_object(request, object_id)
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        form = ChangeStatusForm(request.POST or None, consultation=obj, staff=selectors.center_staff(obj.center_id))
        if request.method == "POST" and not obj.is_closed and form.is_valid():
            data = form.cleaned_data
            try:
                if data["to_status"] == Status.ASSIGNED:
                    services.assign(obj, data["assignee"], by=request.user, note=data["note"])
                else:
                    services.change_status(obj, data["to_status"], by=request.user, note=data["note"])
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.message_user(request, f"{obj.reference} is now {obj.get_status_display().lower()}.",
                                  messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:consultations_consultationrequest_change", args=[obj.pk]))
        return self._object_page(request, obj, form, f"Change the status of {obj.reference}", "Change status")

    def assign_view(self, request, object_id):
        obj = self._editable_object(request, object_id)
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        form = AssignForm(request.POST or None, staff=selectors.center_staff(obj.center_id),
                          initial={"assignee": obj.assignee_id})
        if request.method == "POST" and not obj.is_closed and form.is_valid():
            try:
                services.assign(obj, form.cleaned_data["assignee"], by=request.user, note=form.cleaned_data["note"])
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.message_user(request, f"{obj.reference} is assigned to {obj.assignee}.", messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:consultations_consultationrequest_change", args=[obj.pk]))
        return self._object_page(request, obj, form, f"Assign {obj.reference}", "Assign")

    # --- CSV export of the filtered list ----------------------------------------------

    def export_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        changelist = self.get_changelist_instance(request)
        queryset = changelist.get_queryset(request)
        return csv_response(queryset, f"consultation-requests-{timezone.localdate():%Y-%m-%d}.csv")

    @admin.action(description="Export the selected requests as CSV", permissions=["view"])
    def export_csv(self, request, queryset):
        return csv_response(queryset, f"consultation-requests-{timezone.localdate():%Y-%m-%d}.csv")

    # --- workflow actions -------------------------------------------------------------

    def _apply(self, request, queryset, done: str, move) -> None:
        """Run ``move`` on each request; report what moved and, one by one, what could not."""
        moved, refused = 0, []
        for consultation in queryset.select_related(None).order_by("submitted_at"):
            try:
                move(consultation)
            except ValidationError as error:
                refused.append(" ".join(error.messages))
            else:
                moved += 1
        if moved:
            self.message_user(request, f"{moved} request{'s' if moved != 1 else ''} {done}.", messages.SUCCESS)
        for text in refused[:MAX_ERRORS_SHOWN]:
            self.message_user(request, text, messages.ERROR)
        if len(refused) > MAX_ERRORS_SHOWN:
            self.message_user(request, f"{len(refused) - MAX_ERRORS_SHOWN} more could not be changed.",
                              messages.ERROR)

    def _move(self, request, queryset, to_status, done, note=""):
        self._apply(request, queryset, done,
                    lambda c: services.change_status(c, to_status, by=request.user, note=note))

    @admin.action(description="Assign to me", permissions=["change"])
    def assign_to_me(self, request, queryset):
        self._apply(request, queryset, "assigned to you",
                    lambda c: services.assign(c, request.user, by=request.user))

    @admin.action(description="Assign to…", permissions=["change"])
    def assign_to(self, request, queryset):
        center_ids = set(queryset.values_list("center_id", flat=True).distinct())
        staff = selectors.common_center_staff(center_ids)
        form = AssignForm(request.POST if "apply" in request.POST else None, staff=staff)
        if "apply" in request.POST and form.is_valid():
            assignee, note = form.cleaned_data["assignee"], form.cleaned_data["note"]
            self._apply(request, queryset, f"assigned to {assignee}",
                        lambda c: services.assign(c, assignee, by=request.user, note=note))
            return None
        if not staff.exists():
            return self._bulk_page(request, queryset, "assign_to", None, "Assign requests",
                                   "Nobody is on the staff of every selected request's centre. "
                                   "Select requests of one centre.", "Assign")
        return self._bulk_page(request, queryset, "assign_to", form, "Assign requests",
                               "Choose the consultant. Only people on the staff of every selected request's centre "
                               "are listed.", "Assign")

    @admin.action(description="Triage (accept for work)", permissions=["change"])
    def triage(self, request, queryset):
        self._move(request, queryset, Status.TRIAGED, "triaged")

    @admin.action(description="Start work (in progress)", permissions=["change"])
    def start_work(self, request, queryset):
        self._move(request, queryset, Status.IN_PROGRESS, "in progress")

    @admin.action(description="Put on hold", permissions=["change"])
    def put_on_hold(self, request, queryset):
        self._move(request, queryset, Status.ON_HOLD, "put on hold")

    @admin.action(description="Complete", permissions=["change"])
    def complete(self, request, queryset):
        self._move(request, queryset, Status.COMPLETED, "completed")

    @admin.action(description="Decline with a reason…", permissions=["change"])
    def decline(self, request, queryset):
        form = DeclineForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            self._move(request, queryset, Status.DECLINED, "declined", note=form.cleaned_data["reason"])
            return None
        return self._bulk_page(request, queryset, "decline", form, "Decline requests",
                               "The researcher is told the request was declined and reads your reason when they "
                               "sign in.", "Decline")

    def _bulk_page(self, request, queryset, action, form, title, intro, submit_label):
        preview = list(queryset.select_related("center")[:20])
        count = queryset.count()
        context = {
            **self.admin_site.each_context(request), "opts": self.opts, "title": title, "intro": intro,
            "form": form, "action": action, "submit_label": submit_label, "preview": preview,
            "more": max(count - len(preview), 0),
            "selected_ids": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
            "select_across": request.POST.get("select_across") == "1",
        }
        return render(request, "admin/consultations/consultationrequest/bulk_action.html", context)


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    """Read-only list of documents; downloads go through the permission-checked portal view."""

    list_display = ["original_name", "request", "size", "content_type", "uploaded_at"]
    list_select_related = ["request"]
    search_fields = ["request__reference", "original_name"]
    show_full_result_count = False
    fields = ["request", "download", "size", "content_type", "uploaded_by", "uploaded_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        visible = selectors.staff_visible(request.user).values("pk")
        return super().get_queryset(request).filter(request__in=visible)

    @admin.display(description="File")
    def download(self, obj):
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), obj.original_name)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
