from django.contrib import admin

from common.admin_tools import LabelledTabularInline

from .models import Center, Service, ServiceRate, StaffMembership


class ServiceInline(LabelledTabularInline, admin.TabularInline):
    model = Service
    extra = 0
    # Description is required on the public page, so a service added here gets one too.
    fields = ["name", "slug", "summary", "description", "typical_hours_min", "typical_hours_max",
              "free_of_charge", "active"]
    prepopulated_fields = {"slug": ("name",)}
    show_change_link = True


class MembershipInline(LabelledTabularInline, admin.TabularInline):
    model = StaffMembership
    extra = 0
    autocomplete_fields = ["user"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")


@admin.register(Center)
class CenterAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "contact_email", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "mission"]
    prepopulated_fields = {"slug": ("name",)}
    inlines = [ServiceInline, MembershipInline]
    show_full_result_count = False


class ServiceRateInline(LabelledTabularInline, admin.TabularInline):
    """Prices by funding type; a new price is a new row from a later date (quotes keep theirs)."""

    model = ServiceRate
    extra = 0
    fields = ["funding_type", "amount", "effective_from"]


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "center", "unit", "typical_hours", "free_of_charge", "active"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "center", "summary", "description", "active"]}),
        ("Effort and price", {"fields": ["unit", "typical_hours_min", "typical_hours_max", "free_of_charge",
                                         "turnaround_days"]}),
        ("For the researcher", {"fields": ["deliverables", "preparation"]}),
    ]
    inlines = [ServiceRateInline]
    list_filter = ["active", "free_of_charge", "center"]
    list_select_related = ["center"]
    search_fields = ["name", "summary"]
    prepopulated_fields = {"slug": ("name",)}
    show_full_result_count = False


@admin.register(StaffMembership)
class StaffMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "center", "title"]
    list_select_related = ["user", "center"]
    list_filter = ["center"]
    search_fields = ["user__email", "user__full_name", "center__name"]
    autocomplete_fields = ["user", "center"]
    show_full_result_count = False
