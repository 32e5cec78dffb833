"""Staff desk for studies: study teams see and work only their own studies' inquiries."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.template.response import TemplateResponse
from django.utils.html import format_html, format_html_join
from django.utils.timesince import timesince
from psycopg2.extras import DateTimeTZRange
from simple_history.admin import SimpleHistoryAdmin

from common.admin_tools import KeptChangePage, LabelledTabularInline
from accounts import roles
from accounts.audit import record_access
from accounts.models import User

from . import person_pages, selectors
from .admin_registry import LocationInline, RegistryRecordInline, SpanishTextInline
from .filters import AGE_BANDS, received_between
from .forms import BookingForm, IneligibleReasonForm
from .models import Bed, BedBooking, Condition, Interest, InterestStatusChange, PrescreenQuestion, Study
from .services import free_beds_sentence, change_interest_status, check_period

CONTACT_FIELDS = ["name", "email", "phone"]


class ScopedHistoryAdmin(SimpleHistoryAdmin):
    """History pages only for records the person may see in the list, and never a revert.

    django-simple-history finds history rows by id alone and lets a revert save without the
    service; here the record must be in ``get_queryset`` and changes go through the services.
    """

    def _require_visible(self, request, object_id) -> None:
        if not self.get_queryset(request).filter(pk=unquote(object_id)).exists():
            raise Http404("No such record")

    def revert_disabled(self, request, obj=None):
        return True

    def history_view(self, request, object_id, extra_context=None):
        self._require_visible(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._require_visible(request, object_id)
        if request.method != "GET":
            raise PermissionDenied("Past versions cannot be restored.")
        return super().history_form_view(request, object_id, version_id, extra_context)


def sees_every_study(user) -> bool:
    """Superusers and DCR staff curate every study; a study team member sees their own."""
    return user.is_superuser or roles.has_role(user, roles.DCR_STAFF)


class PrescreenQuestionInline(LabelledTabularInline, admin.TabularInline):
    model = PrescreenQuestion
    extra = 0
    fields = ["order", "text", "text_es", "kind", "min_value", "max_value"]


@admin.register(Condition)
class ConditionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "study_count"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ("name",)}
    show_full_result_count = False

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_studies=Count("studies"))

    @admin.display(description="studies", ordering="n_studies")
    def study_count(self, obj) -> int:
        return obj.n_studies


def _inquiry_count(**where):
    per_study = (Interest.objects.filter(study=OuterRef("pk"), **where).order_by().values("study")
                 .annotate(n=Count("pk")).values("n"))
    return Coalesce(Subquery(per_study), 0)


@admin.register(Study)
class StudyAdmin(KeptChangePage, ScopedHistoryAdmin):
    kept_change_pages = person_pages.STUDY_CHANGE
    list_display = ["lay_title", "short_label", "phase", "status", "is_public", "center", "new_inquiries",
                    "inquiry_count"]
    list_filter = ["status", "phase", "study_type", "is_public", "trc_inpatient", "healthy_volunteers",
                   ("center", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["center"]
    search_fields = ["title", "lay_title", "short_title", "nct_id", "irb_protocol"]
    show_full_result_count = False
    # No "show counts": a count per filter choice scans every row.
    show_facets = admin.ShowFacets.NEVER
    filter_horizontal = ["conditions", "team"]
    inlines = [PrescreenQuestionInline, SpanishTextInline, LocationInline, RegistryRecordInline]
    fieldsets = (
        ("Identification", {"fields": ("title", "short_title", "nct_id", "irb_protocol", "study_type", "phase",
                                       "status",
                                       "is_public", "center", "pi_name")}),
        ("For patients, in plain language", {"fields": ("lay_title", "summary", "conditions", "keywords",
                                                        "eligibility", "visits", "compensation")}),
        ("Who can join", {"fields": ("min_age", "max_age", "sex", "healthy_volunteers")}),
        ("Translational Research Center", {"fields": ("trc_inpatient", "inpatient_nights")}),
        ("Public contact", {"fields": ("contact_name", "contact_email", "contact_phone")}),
        ("Study team", {"fields": ("team",)}),
    )

    def get_queryset(self, request):
        # Counted per listed study (a subquery each, on interest_study_status_idx), not by grouping
        # every inquiry of every study before the page is cut.
        studies = super().get_queryset(request).annotate(
            n_inquiries=_inquiry_count(),
            n_new=_inquiry_count(status=Interest.Status.NEW),
        )
        return studies if sees_every_study(request.user) else studies.filter(team=request.user)

    def get_readonly_fields(self, request, obj=None):
        # Who is on a team is decided by DCR staff, not by the team.
        return [] if sees_every_study(request.user) else ["team"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "team":
            kwargs["queryset"] = User.objects.filter(is_staff=True, is_active=True).order_by("full_name")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description="short name")
    def short_label(self, obj) -> str:
        return obj.short_label

    @admin.display(description="new", ordering="n_new")
    def new_inquiries(self, obj) -> int:
        return obj.n_new

    @admin.display(description="inquiries", ordering="n_inquiries")
    def inquiry_count(self, obj) -> int:
        return obj.n_inquiries


class InquiryAgeFilter(admin.SimpleListFilter):
    title = "age of inquiry"
    parameter_name = "received"

    def lookups(self, request, model_admin):
        return [(key, label) for key, (label, _, _) in AGE_BANDS.items()]

    def queryset(self, request, queryset):
        return received_between(queryset, self.value()) if self.value() else queryset


class StatusChangeInline(LabelledTabularInline, admin.TabularInline):
    model = InterestStatusChange
    extra = 0
    can_delete = False
    fields = ["at", "from_status", "to_status", "by", "reason"]
    readonly_fields = fields
    verbose_name = "status move"
    verbose_name_plural = "status history"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def _move_action(to: str):
    label = Interest.Status(to).label.lower()

    def action(modeladmin, request, queryset):
        return modeladmin.move(request, queryset, to)

    action.__name__ = f"mark_{to}"
    return admin.action(description=f"Mark selected inquiries {label}", permissions=["change"])(action)


@admin.register(Interest)
class InterestAdmin(ScopedHistoryAdmin):
    """The interest list. Names and contact details appear on the inquiry page only, and each view is logged."""

    list_display = ["reference", "study_label", "status", "created_at", "age_of_inquiry", "preferred_contact",
                    "best_time"]
    list_filter = ["status", InquiryAgeFilter, ("study", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["study"]
    search_fields = ["=reference", "study__short_title", "study__nct_id"]
    show_full_result_count = False
    # No "show counts": a count per filter choice scans every row.
    show_facets = admin.ShowFacets.NEVER
    ordering = ["-created_at"]
    inlines = [StatusChangeInline]
    actions = [_move_action(status) for status in (
        Interest.Status.CONTACTED, Interest.Status.ELIGIBLE, Interest.Status.CONSENTED, Interest.Status.ENROLLED,
        Interest.Status.DECLINED, Interest.Status.WITHDRAWN)] + ["mark_ineligible"]
    fieldsets = (
        ("Inquiry", {"fields": ("reference", "study", "status", "status_reason", "status_changed_at", "created_at")}),
        ("Person (protected: every view is logged)", {"fields": ("name", "email", "phone", "preferred_contact",
                                                                 "best_time", "language", "consent_to_contact",
                                                                 "user")}),
        ("Pre-screen answers", {"fields": ("answers_table",)}),
    )
    readonly_fields = ["reference", "study", "status", "status_reason", "status_changed_at", "created_at", "name",
                       "email", "phone", "preferred_contact", "best_time", "language", "consent_to_contact", "user",
                       "answers_table"]

    def get_queryset(self, request):
        interests = super().get_queryset(request)
        return interests if request.user.is_superuser else interests.filter(study__team=request.user)

    def has_add_permission(self, request):
        return False  # inquiries come from the public form

    def has_change_permission(self, request, obj=None):
        # The person's words are never edited; staff move the status with the actions.
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def _log_read(self, request, object_id, response):
        if request.method == "GET" and response.status_code == 200:
            interest = self.get_queryset(request).filter(pk=unquote(object_id)).first()
            if interest is not None:
                record_access(request.user, interest, CONTACT_FIELDS, path=request.path)
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return self._log_read(request, object_id, super().change_view(request, object_id, form_url, extra_context))

    def history_view(self, request, object_id, extra_context=None):
        return self._log_read(request, object_id, super().history_view(request, object_id, extra_context))

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        return self._log_read(request, object_id,
                              super().history_form_view(request, object_id, version_id, extra_context))

    @admin.display(description="study", ordering="study__short_title")
    def study_label(self, obj) -> str:
        return obj.study.short_label

    @admin.display(description="waiting")
    def age_of_inquiry(self, obj) -> str:
        return timesince(obj.created_at, depth=1)

    @admin.display(description="answers")
    def answers_table(self, obj):
        if not obj.answers:
            return "No pre-screen questions were asked."
        rows = format_html_join("", "<tr><th scope='row'>{}</th><td>{}</td></tr>",
                                ((item.get("question", ""), item.get("answer", "")) for item in obj.answers.values()))
        return format_html("<table>{}</table>", rows)

    def move(self, request, queryset, to: str, reason: str = ""):
        moved, refused = 0, []
        for interest in queryset.select_related("study"):
            try:
                change_interest_status(interest, to, by=request.user, reason=reason)
            except ValidationError as error:
                refused.append(f"{interest.reference}: {' '.join(error.messages)}")
            else:
                moved += 1
        label = Interest.Status(to).label.lower()
        if moved:
            self.message_user(request, f"{moved} inquir{'y' if moved == 1 else 'ies'} marked {label}.", messages.SUCCESS)
        if refused:
            self.message_user(request, "Not moved: " + " ".join(refused), messages.WARNING)

    @admin.action(description="Mark selected inquiries ineligible (asks for a reason)", permissions=["change"])
    def mark_ineligible(self, request, queryset):
        form = IneligibleReasonForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            return self.move(request, queryset, Interest.Status.INELIGIBLE, form.cleaned_data["reason"])
        return TemplateResponse(request, "studies/admin/ineligible_reason.html", {
            **self.admin_site.each_context(request),
            "title": "Why are these people not eligible?",
            "opts": self.model._meta,
            "form": form,
            "interests": queryset.select_related("study"),
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        })


@admin.register(Bed)
class BedAdmin(admin.ModelAdmin):
    list_display = ["number", "label"]
    ordering = ["number"]


class BedBookingAdminForm(forms.ModelForm):
    admission = BookingForm.base_fields["admission"]
    discharge = BookingForm.base_fields["discharge"]

    class Meta:
        model = BedBooking
        fields = ["bed", "study", "status", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.period:
            self.initial.setdefault("admission", self.instance.admission)
            self.initial.setdefault("discharge", self.instance.discharge)

    def clean(self):
        data = super().clean()
        start, end, bed = data.get("admission"), data.get("discharge"), data.get("bed")
        if not (start and end):
            return data
        try:
            check_period(start, end)
        except ValidationError as error:
            self.add_error("discharge", error)
            return data
        self.instance.period = DateTimeTZRange(start, end)
        if bed and data.get("status") == BedBooking.Status.BOOKED:
            free = selectors.free_beds(start, end, ignore_booking=self.instance.pk)
            if bed not in free:
                self.add_error("bed", f"{bed} is already booked for part of that time. {free_beds_sentence(free)}")
        return data


@admin.register(BedBooking)
class BedBookingAdmin(ScopedHistoryAdmin):
    form = BedBookingAdminForm
    list_display = ["bed", "study_label", "admission", "discharge", "status", "created_by"]
    list_filter = ["status", "bed"]
    list_select_related = ["bed", "study", "created_by"]
    search_fields = ["study__short_title", "study__lay_title", "study__nct_id", "note"]
    show_full_result_count = False
    fields = ["bed", "study", "admission", "discharge", "status", "note"]

    def get_queryset(self, request):
        bookings = super().get_queryset(request)
        return bookings if sees_every_study(request.user) else bookings.filter(study__team=request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "study":
            kwargs["queryset"] = selectors.bookable_studies(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description="study", ordering="study__short_title")
    def study_label(self, obj) -> str:
        return obj.study.short_label
