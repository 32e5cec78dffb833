from django.contrib import admin

from .models import Center, Service, StaffMembership


class ServiceInline(admin.TabularInline):
    model = Service
    extra = 0
    # Description is required on the public page, so a service added here gets one too.
    fields = ["name", "slug", "summary", "description", "typical_hours_min", "typical_hours_max",
              "free_of_charge", "active"]
    prepopulated_fields = {"slug": ("name",)}
    show_change_link = True


class MembershipInline(admin.TabularInline):
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


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "center", "typical_hours", "free_of_charge", "active"]
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
