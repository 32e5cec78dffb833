from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path
from simple_history.admin import SimpleHistoryAdmin

from .audit import audit_trail, protected_models, record_access
from common.admin_tools import ReadOnlyAdminMixin
from .models import ProtectedAccess, User


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "organisation", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups"]
    search_fields = ["email", "full_name", "organisation"]
    show_full_result_count = False
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Person", {"fields": ("full_name", "organisation", "phone")}),
        ("Roles and permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),)
    filter_horizontal = ("groups", "user_permissions")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            person = self.get_queryset(request).filter(pk=unquote(object_id)).exclude(phone="").first()
            if person is not None:  # the page shows the phone number: a read of a protected field
                record_access(request.user, person, ["phone"], path=request.path)
        return response


@admin.register(ProtectedAccess)
class ProtectedAccessAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The read audit trail: read-only for everyone, superusers included."""

    list_display = ["at", "user", "action", "record_type", "record_id", "fields"]
    list_filter = ["action", "record_type"]
    search_fields = ["user__email", "record_id"]
    list_select_related = ["user"]
    date_hierarchy = "at"
    show_full_result_count = False
    change_list_template = "admin/accounts/protectedaccess/change_list.html"

    def get_urls(self):
        return [path("trail/", self.admin_site.admin_view(self.trail_view), name="accounts_audit_trail")] + super().get_urls()

    def trail_view(self, request):
        """Changes and reads of protected records on one page, newest first; superusers only, read-only."""
        if not request.user.is_superuser:
            raise PermissionDenied
        labels = [model._meta.label for model in protected_models()]
        record_type = request.GET.get("type", "")
        if record_type not in labels:
            record_type = ""
        return TemplateResponse(request, "admin/accounts/audit_trail.html", {
            **self.admin_site.each_context(request), "opts": self.model._meta, "title": "Audit trail",
            "events": audit_trail(limit=200, record_type=record_type), "record_types": labels,
            "record_type": record_type,
        })
