"""Distribution orders in the staff desk: the list, each order, and its pages."""

from __future__ import annotations

from functools import partial

from django.contrib import admin
from django.urls import path
from simple_history.admin import SimpleHistoryAdmin

from ..models import DistributionOrder
from . import pages


@admin.register(DistributionOrder)
class DistributionOrderAdmin(SimpleHistoryAdmin):
    list_display = ["reference", "request", "status", "created_at", "shipped_at", "tracking_number", "received_at"]
    list_filter = ["status"]
    list_select_related = ["request"]
    search_fields = ["reference", "request__reference", "tracking_number"]
    readonly_fields = ["reference", "request", "status", "recipient", "courier", "tracking_number", "created_by",
                       "created_at", "shipped_at", "received_at", "received_by"]
    fields = readonly_fields
    change_form_template = "admin/biobank/distributionorder/change_form.html"

    def has_add_permission(self, request):
        return False  # made from a sample request's fulfilment page

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("create/<int:pk>/", wrap(partial(pages.create, self)), name="biobank_distributionorder_create"),
            path("<int:pk>/picklist/", wrap(partial(pages.pick_list, self)), name="biobank_distributionorder_picklist"),
            path("<int:pk>/ship/", wrap(partial(pages.ship, self)), name="biobank_distributionorder_ship"),
            path("<int:pk>/manifest/", wrap(partial(pages.manifest, self)), name="biobank_distributionorder_manifest"),
            path("<int:pk>/manifest.csv", wrap(partial(pages.manifest_csv, self)),
                 name="biobank_distributionorder_manifest_csv"),
            path("<int:pk>/labels/", wrap(partial(pages.labels, self)), name="biobank_distributionorder_labels"),
        ] + super().get_urls()
