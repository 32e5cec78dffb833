"""Documents attached to requests: a read-only list; downloads go through the portal's view."""

from __future__ import annotations

from django.contrib import admin
from django.utils.html import format_html

from .. import selectors
from ..models import Attachment


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    """Read-only list of documents; downloads go through the permission-checked portal view."""

    list_display = ["original_name", "request", "size", "content_type", "uploaded_at"]
    list_select_related = ["request"]
    search_fields = ["request__reference", "original_name"]
    show_full_result_count = False
    fields = ["request", "download", "size", "content_type", "uploaded_by", "uploaded_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        visible = selectors.staff_visible(request.user).values("pk")
        return super().get_queryset(request).filter(request__in=visible)

    @admin.display(description="File")
    def download(self, obj):
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), obj.original_name)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
