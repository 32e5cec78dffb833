from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from common.admin_tools import LabelledTabularInline

from .models import AccessRequest, Member, Project


class MemberInline(LabelledTabularInline, admin.TabularInline):
    model = Member
    extra = 0
    fields = ["user", "role", "rights", "added_at"]
    readonly_fields = ["added_at"]
    autocomplete_fields = ["user"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")


@admin.register(Project)
class ProjectAdmin(SimpleHistoryAdmin):
    list_display = ["title", "pi", "irb_number", "funding_type", "start_date"]
    list_select_related = ["pi"]
    list_filter = ["funding_type"]
    search_fields = ["title", "irb_number", "pi__email", "pi__full_name"]
    autocomplete_fields = ["pi", "created_by"]
    inlines = [MemberInline]
    show_full_result_count = False


@admin.register(AccessRequest)
class AccessRequestAdmin(admin.ModelAdmin):
    # Answered by the project's editors on the portal; staff see who asked and what happened.
    list_display = ["project", "user", "rights", "status", "created_at", "decided_by"]
    list_select_related = ["project", "user", "decided_by"]
    list_filter = ["status"]
    readonly_fields = ["status", "decided_by", "decided_at"]
    autocomplete_fields = ["project", "user"]
    show_full_result_count = False
