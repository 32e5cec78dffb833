"""The staff desk's storage tree: containers (with the utilisation page and box maps) and the
placement conflicts left by written places that could not become positions."""

from __future__ import annotations

from django.contrib import admin
from django.core.cache import cache
from django.urls import path, reverse
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from common.admin_tools import ReadOnlyAdminMixin

from ..models import PlacementConflict, StorageContainer
from . import pages


class FreezerFilter(admin.SimpleListFilter):
    title = "freezer"
    parameter_name = "freezer"

    def lookups(self, request, model_admin):
        freezers = cache.get_or_set("biobank:freezers", lambda: list(
            StorageContainer.objects.filter(parent__isnull=True).order_by("name").values_list("pk", "name")[:200]), 300)
        return [(str(pk), name) for pk, name in freezers]

    def queryset(self, request, queryset):
        return queryset.filter(box__parent__parent_id=self.value()) if self.value() else queryset


@admin.register(StorageContainer)
class StorageContainerAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "parent_path", "grid", "map_link"]
    list_filter = ["kind"]
    list_select_related = ["parent__parent"]
    search_fields = ["name"]
    fields = ["name", "kind", "parent", ("rows", "columns"), "labelling"]
    autocomplete_fields = ["parent"]
    change_list_template = "admin/biobank/storagecontainer/change_list.html"
    show_full_result_count = False

    def get_readonly_fields(self, request, obj=None):
        # A box's grid and place change only while it is empty: its samples' positions depend on them.
        if obj is not None and obj.samples.exists():
            return ["kind", "parent", "rows", "columns", "labelling"]
        return []

    @admin.display(description="in")
    def parent_path(self, obj):
        return obj.parent.path if obj.parent_id else "—"

    @admin.display(description="grid")
    def grid(self, obj):
        return f"{obj.rows} x {obj.columns}" if obj.is_box else ""

    @admin.display(description="map")
    def map_link(self, obj):
        if not obj.is_box:
            return ""
        return format_html('<a href="{}">Map of {}</a>', reverse("admin:biobank_storagecontainer_map", args=[obj.pk]),
                           obj.name)

    def save_model(self, request, obj, form, change):
        obj._history_user = request.user
        super().save_model(request, obj, form, change)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("utilisation/", wrap(self.overview_view), name="biobank_storagecontainer_overview"),
            path("<int:pk>/map/", wrap(self.map_view), name="biobank_storagecontainer_map"),
        ] + super().get_urls()

    def overview_view(self, request):
        return pages.overview(self, request)

    def map_view(self, request, pk: int):
        return pages.box_map(self, request, pk)


@admin.register(PlacementConflict)
class PlacementConflictAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["sample", "written_place", "reason", "found_at", "resolved_at", "move_link"]
    list_filter = [("resolved_at", admin.EmptyFieldListFilter)]
    list_select_related = ["sample"]
    search_fields = ["sample__barcode"]

    @admin.display(description="place it")
    def move_link(self, obj):
        if obj.resolved_at:
            return "placed"
        return format_html('<a href="{}">Move to a position</a>',
                           reverse("admin:biobank_sample_move", args=[obj.sample_id]))
