from django.contrib import admin

from common.admin_tools import LabelledTabularInline

from .models import Budget, BudgetVersion


class VersionInline(LabelledTabularInline, admin.TabularInline):
    model = BudgetVersion
    extra = 0
    can_delete = False
    fields = ["number", "saved_at", "saved_by", "note", "total", "changes"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Budget)
class BudgetAdmin(admin.ModelAdmin):
    # Built by the project's team on the portal; staff read them here (and in the budgeting consultation).
    list_display = ["title", "project", "sponsor_type", "fa_rate", "updated_at"]
    list_select_related = ["project"]
    list_filter = ["sponsor_type"]
    search_fields = ["title", "project__title", "project__irb_number"]
    readonly_fields = ["project", "consultation", "created_by", "created_at"]
    inlines = [VersionInline]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False  # a budget is built on its project's page, by its team
