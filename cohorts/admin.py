from django.contrib import admin
from django.urls import path
from django.utils.html import format_html

from . import admin_pages
from .models import BiobankAccess, CohortQueryLog


@admin.register(BiobankAccess)
class BiobankAccessAdmin(admin.ModelAdmin):
    list_display = ["user", "irb_protocol", "institution", "status", "email_verified_at", "created_at"]
    list_filter = ["status"]
    list_select_related = ["user"]
    search_fields = ["user__email", "irb_protocol", "institution"]
    readonly_fields = ["user", "irb_protocol", "institution", "purpose", "email_verified_at", "status", "decided_by",
                       "decision_reason", "created_at", "decide_link"]
    fields = readonly_fields
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Decision")
    def decide_link(self, obj):
        return format_html('<a class="button" href="{}">Approve, decline or revoke</a>',
                           f"../../{obj.pk}/decide/" if obj.pk else "")

    def get_urls(self):
        return [path("<int:pk>/decide/", self.admin_site.admin_view(self.decide_view),
                     name="cohorts_biobankaccess_decide"), *super().get_urls()]

    def decide_view(self, request, pk):
        return admin_pages.decide_access(self, request, pk)


@admin.register(CohortQueryLog)
class CohortQueryLogAdmin(admin.ModelAdmin):
    """Every cohort question asked: who, what, what they were shown (read-only)."""

    list_display = ["asked_at", "user", "kind", "shown", "refused"]
    list_filter = ["kind", "refused"]
    list_select_related = ["user"]
    search_fields = ["user__email"]
    date_hierarchy = "asked_at"
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [path("request/<str:reference>/", self.admin_site.admin_view(self.matches_view),
                     name="cohorts_request_matches"), *super().get_urls()]

    def matches_view(self, request, reference):
        return admin_pages.request_matches(self, request, reference)
