from django.contrib import admin

from . import admin_pages
from .models import Concept, EhrImport


@admin.register(EhrImport)
class EhrImportAdmin(admin.ModelAdmin):
    list_display = ["id", "file_name", "status", "participants_loaded", "facts_loaded", "error_count", "created_by",
                    "created_at"]
    list_filter = ["status"]
    list_select_related = ["created_by"]
    show_full_result_count = False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def add_view(self, request, form_url="", extra_context=None):
        return admin_pages.upload(self, request)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return admin_pages.detail(self, request, object_id)


@admin.register(Concept)
class ConceptAdmin(admin.ModelAdmin):
    """The concept dictionary, read-only: it is built by the loads."""

    list_display = ["system", "code", "display", "domain", "participant_count", "fact_count"]
    list_filter = ["domain", "system"]
    search_fields = ["code", "display"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
