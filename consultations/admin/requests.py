"""The consultation request admin: the triage list's columns, who sees what, and saving."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.utils import unquote
from django.db.models import Prefetch
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from simple_history.admin import SimpleHistoryAdmin

from common.admin_tools import KeptChangePage

from .. import selectors, services, triage_cache
from ..models import ConsultationRequest, LineItem, Message, TimeEntry
from ..templatetags.consultations_tags import hours as format_hours
from .actions import WorkflowActionsMixin
from .filters import AgeFilter, AssigneeFilter, OverdueFilter
from .inlines import LineItemInline, MessageInline, StatusChangeInline, TimeEntryInline
from .pages import RequestPagesMixin
from .paginator import RecentCountPaginator


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



@admin.register(ConsultationRequest)
class ConsultationRequestAdmin(KeptChangePage, RequestPagesMixin, WorkflowActionsMixin, SimpleHistoryAdmin):
    kept_change_pages = triage_cache.CHANGE_PAGES
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
    # No "show counts": a count per filter choice scans every row (figures: README, "Reading the benchmark").
    show_facets = admin.ShowFacets.NEVER
    list_per_page = 50
    ordering = ["-submitted_at", "-id"]
    inlines = [LineItemInline, StatusChangeInline, MessageInline, TimeEntryInline]
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
        # The list shows each request's services: one more query for the whole page.
        lines = Prefetch("lines", queryset=LineItem.objects.select_related("service", "center").order_by("position"))
        return selectors.staff_visible(request.user, super().get_queryset(request)).prefetch_related(lines)

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
        # Django's own renders a form widget through the template engine for every row (a large share
        # of the list's time at 50 rows); the same markup, written directly.
        label = format_html(gettext("Select this object for an action - {}"), str(obj))
        return format_html('<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
                           ACTION_CHECKBOX_NAME, obj.pk, label)

    @admin.display(description="Title, service and centre", ordering="title")
    def short_title(self, obj):
        title = obj.title if len(obj.title) <= 60 else obj.title[:57] + "…"
        lines = list(obj.lines.all())
        if len(lines) <= 1:
            return format_html('{}<br><span class="quiet">{} · {}</span>', title, obj.service.name, obj.center.name)
        rows = format_html_join(mark_safe("<br>"), '<span class="quiet">{} · {} · {}</span>',  # nosec B308: constant <br>
                                ((line.service.name, line.center.name, line.get_status_display()) for line in lines))
        return format_html("{}<br>{}", title, rows)

    @admin.display(description="Age (days)", ordering="-submitted_at")
    def age(self, obj):
        return obj.age_days

    @admin.display(description="Overdue")
    def overdue(self, obj):
        # Only the overdue rows say anything, so that they stand out.
        return mark_safe('<strong class="overdue-flag">Overdue</strong>') if obj.is_overdue else ""  # nosec B308: constant markup

    @admin.display(description="Hours used", ordering="hours_used")
    def hours(self, obj):
        # Only the free faculty consultation has an allotment of hours; other services are priced.
        if not obj.service.free_of_charge:
            return format_hours(obj.hours_used)
        text = f"{format_hours(obj.hours_used)} of {format_hours(obj.hours_allotted)}"
        if obj.allotment_used_up:
            return format_html('<strong title="The allotted hours are used up">{} ⚠</strong>', text)
        return text

    @admin.display(description="Hours used")
    def hours_used_display(self, obj):
        if not obj.service.free_of_charge:
            return f"{format_hours(obj.hours_used)} (a priced service: no free allotment)"
        return f"{format_hours(obj.hours_used)} of {format_hours(obj.hours_allotted)} free hours"

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
        if obj.service.free_of_charge and obj.allotment_used_up:
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
