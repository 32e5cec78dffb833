"""Admin inlines of a study's registry record, its sites and the staff's Spanish text."""

from __future__ import annotations

from django.contrib import admin
from django.utils.html import format_html_join

from .registry_models import Location, RegistryRecord, SpanishText
from .registry_values import ArmType, InterventionType, label_of


class SpanishTextInline(admin.StackedInline):
    model = SpanishText
    extra = 0
    max_num = 1
    verbose_name_plural = "Spanish text (shown on the Spanish page; without it the page says the study is in English)"


class LocationInline(admin.TabularInline):
    """Sites come from the registry; staff mark which is ours (an import keeps that mark)."""

    model = Location
    extra = 0
    fields = ["is_ours", "facility", "city", "state", "zip_code", "country", "status", "latitude", "longitude",
              "public_contacts"]
    readonly_fields = ["public_contacts"]
    verbose_name_plural = "sites (from ClinicalTrials.gov)"
    # On a study with an NCT number the registry's import rewrites these (studies.ctgov.load), so they are
    # shown, not offered as inputs: twenty sites of nine inputs each were most of the change page's time.
    REGISTRY_FIELDS = ["facility", "city", "state", "zip_code", "country", "status", "latitude", "longitude"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.nct_id:
            return [*self.REGISTRY_FIELDS, *self.readonly_fields]
        return list(self.readonly_fields)

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not (obj is not None and obj.nct_id)

    @admin.display(description="public contacts")
    def public_contacts(self, obj) -> str:
        return format_html_join("", "<div>{} {} {}</div>", (
            (c.get("name", ""), c.get("phone", ""), c.get("email", "")) for c in obj.contacts))


class RegistryRecordInline(admin.StackedInline):
    """What the registry says, as last imported: read-only (the next import rewrites it)."""

    model = RegistryRecord
    extra = 0
    max_num = 1
    can_delete = False
    fields = ["minimum_age", "maximum_age", "standard_ages", "start_date", "primary_completion_date",
              "completion_date", "first_posted", "last_update_posted", "enrollment_count", "enrollment_type",
              "primary_purpose", "lead_sponsor", "collaborator_names", "arm_list", "intervention_list",
              "outcome_list", "why_stopped", "description", "imported_at"]
    readonly_fields = fields
    verbose_name_plural = "ClinicalTrials.gov record (read-only: the importer writes it)"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="collaborators")
    def collaborator_names(self, obj) -> str:
        return ", ".join(obj.collaborators)

    @admin.display(description="arms")
    def arm_list(self, obj) -> str:
        return format_html_join("", "<div><strong>{}</strong> ({}): {}</div>", (
            (arm["label"], label_of(ArmType, arm.get("type", "")), arm.get("description", "")) for arm in obj.arms))

    @admin.display(description="interventions")
    def intervention_list(self, obj) -> str:
        return format_html_join("", "<div>{}: <strong>{}</strong></div>", (
            (label_of(InterventionType, item.get("type", "")), item["name"]) for item in obj.interventions))

    @admin.display(description="outcome measures")
    def outcome_list(self, obj) -> str:
        return format_html_join("", "<div>{}: {} ({})</div>", (
            (o["kind"], o["measure"], o.get("time_frame", "")) for o in obj.outcomes))
