"""The biobank staff desk: participants, samples, withdrawals, imports, and request review.

Only the "Biobank staff" role holds biobank permissions (biobank/permissions.py); every
custom page below checks a permission as well, so other staff get 403.
"""

from __future__ import annotations

import re
from functools import partial

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.functional import cached_property
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from common.admin_tools import KeptChangePage, LabelledTabularInline, ReadOnlyAdminMixin
from accounts.audit import record_access
from accounts.models import ProtectedAccess

from . import admin_pages, crypto, page_cache
from .forms import ParticipantAdminForm, SampleAdminForm
from .models import (
    BIOBANK_ID_PATTERN,
    ImportJob,
    Participant,
    RecontactRequest,
    Sample,
    SampleRequest,
    StorageContainer,
    Withdrawal,
)
from .consent import admin as consent_admin  # noqa: F401  (registers the consent statements' admin)
from .consent import pages as consent_pages
from .distribution import admin as distribution_admin  # noqa: F401  (registers the orders' admin)
from .consent import services as consent_services
from .lineage import pages as lineage_pages
from .lineage import selectors as lineage_selectors
from .storage import admin as storage_admin  # noqa: F401  (registers the storage tree's admin)
from .storage import pages as storage_pages
from .storage import selectors as storage_selectors


PARTIAL_BIOBANK_ID = re.compile(r"^BB\d{1,6}$")


class EstimatedCountPaginator(Paginator):
    """Counts an unfiltered big table from the planner's estimate instead of COUNT(*)."""

    EXACT_BELOW = 20_000

    @cached_property
    def count(self) -> int:
        query = getattr(self.object_list, "query", None)
        if query is not None and not query.where:
            with connection.cursor() as cursor:
                cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                               [self.object_list.model._meta.db_table])
                row = cursor.fetchone()
            if row and row[0] >= self.EXACT_BELOW:
                return row[0]
        return super().count


class HistoryAdmin(SimpleHistoryAdmin):
    """History can be read, never reverted: a revert would bypass the services' rules."""

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied("Biobank records are changed through their own forms, not by reverting.")
        return super().history_form_view(request, object_id, version_id, extra_context)


class ReadOnlyAdmin(ReadOnlyAdminMixin, HistoryAdmin):
    """Records written only by the portal's services: staff read them here, and act on the review pages."""


class WithdrawnFilter(admin.SimpleListFilter):
    title = "withdrawn"
    parameter_name = "withdrawn"

    def lookups(self, request, model_admin):
        return [("yes", "Withdrawn"), ("no", "Not withdrawn")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(withdrawn_on__isnull=False)
        if self.value() == "no":
            return queryset.filter(withdrawn_on__isnull=True)
        return queryset


class SampleInline(LabelledTabularInline, admin.TabularInline):
    model = Sample
    fk_name = "participant"
    fields = ["barcode", "sample_type", "status", "collected_at", "location", "reserved_for"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    max_num = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("reserved_for", "box__parent__parent")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Participant)
class ParticipantAdmin(HistoryAdmin):
    form = ParticipantAdminForm
    list_display = ["biobank_id", "sex", "birth_year", "consent_research", "consent_recontact", "withdrawn",
                    "genotyped", "genotyping_platform"]
    list_filter = ["sex", "consent_research", "consent_recontact", WithdrawnFilter, "genotyped"]
    search_fields = ["biobank_id"]
    search_help_text = "A biobank id (BB0001234) or an exact MRN (the lookup is logged)."
    ordering = ["biobank_id"]
    show_full_result_count = False
    # No "show counts": a count per filter choice scans every row.
    show_facets = admin.ShowFacets.NEVER
    paginator = EstimatedCountPaginator
    list_per_page = 100
    inlines = [SampleInline]
    readonly_fields = ["mrn_status", "withdrawn_on", "withdrawal_link", "created_at", "updated_at"]
    change_form_template = "admin/biobank/participant/change_form.html"
    change_list_template = "admin/biobank/participant/change_list.html"

    def get_fieldsets(self, request, obj=None):
        identity = ["biobank_id", "new_mrn"] if obj is None else ["biobank_id", "mrn_status", "new_mrn"]
        sets = [
            ("Identity", {"fields": identity}),
            ("Person", {"fields": ["sex", "birth_year"]}),
            ("Consent", {"fields": ["consent_research", "consent_recontact", "consent_date", "consent_version"]}),
            ("Genotyping", {"fields": ["genotyped", "genotyping_platform", "genotyping_batch"]}),
        ]
        if obj is not None:
            sets.append(("Withdrawal and record", {"fields": ["withdrawn_on", "withdrawal_link", "created_at",
                                                             "updated_at"]}))
        return sets

    def get_readonly_fields(self, request, obj=None):
        readonly = list(self.readonly_fields)
        if obj is not None:
            readonly.append("biobank_id")  # the pseudonym is fixed once samples may carry it
        return readonly

    @admin.display(boolean=True, description="withdrawn", ordering="withdrawn_on")
    def withdrawn(self, obj):
        return obj.withdrawn_on is not None

    @admin.display(description="MRN")
    def mrn_status(self, obj):
        url = reverse("admin:biobank_participant_reveal_mrn", args=[obj.pk])
        return format_html('Hidden. <a class="button" href="{}">Show MRN</a> Each view is logged.', url)

    @admin.display(description="withdrawal")
    def withdrawal_link(self, obj):
        withdrawal = Withdrawal.objects.filter(participant=obj).first()
        if withdrawal is None:
            return "Not withdrawn"
        url = reverse("admin:biobank_withdrawal_change", args=[withdrawal.pk])
        return format_html('<a href="{}">Recorded {:%d %b %Y}</a>', url, withdrawal.recorded_at)

    def get_search_results(self, request, queryset, search_term):
        term = crypto.normalize_mrn(search_term)
        if not term:
            return queryset, False
        if BIOBANK_ID_PATTERN.match(term):
            return queryset.filter(biobank_id=term), False
        if PARTIAL_BIOBANK_ID.match(term):  # typing in an autocomplete box
            return queryset.filter(biobank_id__startswith=term), False
        if crypto.MRN_PATTERN.match(term):
            found = queryset.filter(mrn_hash=crypto.mrn_digest(term))
            matches = list(found[:5])
            if matches:
                record_access(request.user, matches, ["mrn"], action=ProtectedAccess.Action.VIEW,
                              path=f"{request.path} (search by MRN)")
            return found, False
        return queryset.none(), False

    def save_model(self, request, obj, form, change):
        from .services import save_participant

        revoked = change and "consent_recontact" in form.changed_data and not obj.consent_recontact
        dropped = save_participant(obj, by=request.user, recontact_revoked=revoked)
        consent_services.answers_follow_fields(obj, by=request.user)
        if dropped:
            messages.warning(request, f"{obj.biobank_id} no longer consents to re-contact and was taken off "
                                      f"the contact lists of {', '.join(dropped)}.")

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/mrn/", wrap(partial(admin_pages.reveal_mrn, self)), name="biobank_participant_reveal_mrn"),
            path("<int:pk>/withdraw/", wrap(partial(admin_pages.record_withdrawal, self)),
                 name="biobank_participant_withdraw"),
            path("<int:pk>/consent/", wrap(partial(consent_pages.consent, self)), name="biobank_participant_consent"),
        ] + super().get_urls()


@admin.register(Sample)
class SampleAdmin(KeptChangePage, HistoryAdmin):
    kept_change_pages = page_cache.SAMPLE_CHANGE
    form = SampleAdminForm
    list_display = ["barcode", "participant", "sample_type", "status", "storage", "collected_on", "quantity_shown",
                    "reserved_for"]
    list_filter = ["status", "sample_type", storage_admin.FreezerFilter]
    list_select_related = ["participant", "reserved_for", "box__parent__parent"]
    search_fields = ["barcode"]
    search_help_text = "An exact barcode, or a participant's biobank id."
    ordering = ["-id"]
    show_full_result_count = False
    # No "show counts": a count per filter choice scans every row.
    show_facets = admin.ShowFacets.NEVER
    paginator = EstimatedCountPaginator
    list_per_page = 100
    autocomplete_fields = ["participant"]
    actions = ["mark_depleted", "mark_destroyed", "release_reservation"]
    change_list_template = "admin/biobank/sample/change_list.html"
    fieldsets = [
        (None, {"fields": ["barcode", "participant", "sample_type", "collected_at", ("quantity", "unit")]}),
        ("Storage", {"fields": [("box", "position")]}),
        ("Status", {"fields": ["status", "reserved_for"]}),
    ]
    change_form_template = "admin/biobank/sample/change_form.html"

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return self.fieldsets
        return [self.fieldsets[0], ("Storage", {"fields": ["storage"]}), self.fieldsets[2]]

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [path("<int:pk>/move/", wrap(self.move_view), name="biobank_sample_move"),
                path("<int:pk>/split/", wrap(self.split_view), name="biobank_sample_split"),
                ] + super().get_urls()

    def split_view(self, request, pk: int):
        return lineage_pages.split(self, request, pk)

    def move_view(self, request, pk: int):
        return storage_pages.move_sample(self, request, pk)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        known = str(object_id).isdigit()

        def render():
            tree = lineage_selectors.family(int(object_id)) if known else None
            extra = {"in_storage": Sample.IN_STORAGE, "moves": storage_selectors.moves_of(object_id) if known else [],
                     "lineage": tree, "lineage_unavailable": lineage_selectors.unavailable_reason(tree) if tree else "",
                     **(extra_context or {})}
            return super(KeptChangePage, self).change_view(request, object_id, form_url, extra)

        return self.keep_change_page(request, object_id, render, extra_context,
                                     stamp=(lambda: lineage_selectors.family_stamp(int(object_id))) if known else None)

    def get_readonly_fields(self, request, obj=None):
        # Status moves only through the actions and requests (services.move_samples).
        readonly = ["status", "reserved_for"]
        if obj is not None:
            readonly += ["barcode", "participant", "storage"]
        return readonly

    @admin.display(description="location")
    def storage(self, obj):
        return obj.location

    @admin.display(description="collected", ordering="collected_at")
    def collected_on(self, obj):
        return date_format(timezone.localtime(obj.collected_at), "Y-m-d")

    @admin.display(description="quantity", ordering="quantity")
    def quantity_shown(self, obj):
        return f"{obj.quantity.normalize():f} {obj.get_unit_display()}"

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip().upper()
        if not term:
            return queryset, False
        if BIOBANK_ID_PATTERN.match(term):
            return queryset.filter(participant__biobank_id=term), False
        return queryset.filter(barcode=term), False

    def save_model(self, request, obj, form, change):
        if not change and obj.participant.withdrawn_on:
            obj.status = Sample.Status.WITHDRAWN
            messages.warning(request, f"{obj.participant} has withdrawn: the sample was recorded as unavailable.")
        super().save_model(request, obj, form, change)

    def _move(self, request, queryset, to: str, verb: str):
        from .services import move_samples

        try:
            moved = move_samples(queryset, to, by=request.user, reason=f"Marked {verb} at the staff desk")
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
        else:
            self.message_user(request, f"{moved} sample(s) marked {verb}.", messages.SUCCESS)

    @admin.action(description="Mark selected samples depleted", permissions=["change"])
    def mark_depleted(self, request, queryset):
        self._move(request, queryset, Sample.Status.DEPLETED, "depleted")

    @admin.action(description="Mark selected samples destroyed", permissions=["change"])
    def mark_destroyed(self, request, queryset):
        self._move(request, queryset, Sample.Status.DESTROYED, "destroyed")

    @admin.action(description="Release selected reserved samples (back to available)", permissions=["change"])
    def release_reservation(self, request, queryset):
        self._move(request, queryset, Sample.Status.AVAILABLE, "available")


@admin.register(Withdrawal)
class WithdrawalAdmin(ReadOnlyAdmin):
    """Withdrawals are recorded from the participant's page (services.withdraw_participant)."""

    list_display = ["participant", "withdrawn_on", "recorded_by", "recorded_at", "samples_made_unavailable",
                    "reservations_released", "recontacts_cancelled"]
    list_select_related = ["participant", "recorded_by"]
    search_fields = ["participant__biobank_id"]
    show_full_result_count = False
    readonly_fields = ["participant", "withdrawn_on", "reason", "recorded_by", "recorded_at",
                       "samples_made_unavailable", "reservations_released", "recontacts_cancelled",
                       "requests_affected"]


class RequestAdmin(ReadOnlyAdmin):
    """Requests are filed by researchers; staff read them here and move them on the review pages."""

    list_filter = ["status"]
    list_select_related = ["researcher"]
    search_fields = ["reference", "irb_protocol", "title", "researcher__email"]
    show_full_result_count = False

    def can_act(self, request) -> bool:
        opts = self.model._meta
        return request.user.has_perm(f"{opts.app_label}.change_{opts.model_name}")

    @admin.display(description="criteria")
    def criteria_shown(self, obj):
        from .criteria import CohortCriteria

        criteria = CohortCriteria.from_dict(obj.criteria)
        return criteria.describe_participants() if isinstance(obj, RecontactRequest) else criteria.describe()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "can_act": self.can_act(request)}
        return super().change_view(request, object_id, form_url, extra_context)

    def move_view(self, request, pk: int):
        return admin_pages.move_request(self, request, pk)

    def fulfilment_urls(self) -> list:
        """The request type's own fulfilment pages (reserve and send samples, select and contact people)."""
        return []

    def get_urls(self):
        name = f"biobank_{self.model._meta.model_name}_move"
        return [path("<int:pk>/move/", self.admin_site.admin_view(self.move_view), name=name),
                *self.fulfilment_urls(), *super().get_urls()]


@admin.register(SampleRequest)
class SampleRequestAdmin(RequestAdmin):
    list_display = ["reference", "title", "researcher", "irb_protocol", "status", "samples_requested",
                    "reserved_count", "created_at"]
    readonly_fields = ["reference", "researcher", "irb_protocol", "title", "criteria_shown", "samples_requested",
                       "purpose", "status", "decision_reason", "decided_by", "created_at", "updated_at"]
    fields = readonly_fields
    change_form_template = "admin/biobank/samplerequest/change_form.html"

    def get_queryset(self, request):
        reserved = (Sample.objects.filter(reserved_for=OuterRef("pk")).order_by().values("reserved_for")
                    .annotate(n=Count("pk")).values("n"))
        return super().get_queryset(request).annotate(reserved=Coalesce(Subquery(reserved), 0))

    @admin.display(description="reserved or sent", ordering="reserved")
    def reserved_count(self, obj):
        return obj.reserved

    def fulfilment_urls(self):
        return [path("<int:pk>/fulfil/", self.admin_site.admin_view(self.fulfil_view),
                     name="biobank_samplerequest_fulfil")]

    def fulfil_view(self, request, pk: int):
        return admin_pages.fulfil_sample_request(self, request, pk)


@admin.register(RecontactRequest)
class RecontactRequestAdmin(RequestAdmin):
    list_display = ["reference", "title", "researcher", "irb_protocol", "status", "participants_requested",
                    "created_at"]
    readonly_fields = ["reference", "researcher", "irb_protocol", "title", "criteria_shown",
                       "participants_requested", "message", "status", "decision_reason", "decided_by", "created_at",
                       "updated_at"]
    fields = readonly_fields
    change_form_template = "admin/biobank/recontactrequest/change_form.html"

    def fulfilment_urls(self):
        wrap = self.admin_site.admin_view
        return [path("<int:pk>/contacts/", wrap(self.contacts_view), name="biobank_recontactrequest_contacts"),
                path("<int:pk>/contacts.csv", wrap(self.contact_list_view),
                     name="biobank_recontactrequest_contact_list")]

    def contacts_view(self, request, pk: int):
        return admin_pages.recontact_contacts(self, request, pk)

    def contact_list_view(self, request, pk: int):
        return admin_pages.recontact_contact_list(self, request, pk)


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "file_name", "status", "rows_total", "rows_imported", "error_count", "created_by",
                    "created_at"]
    list_filter = ["status", "kind"]
    list_select_related = ["created_by"]
    show_full_result_count = False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def add_view(self, request, form_url="", extra_context=None):
        return admin_pages.import_upload(self, request)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return admin_pages.import_job_detail(self, request, object_id)

