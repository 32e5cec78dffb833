from django.contrib import admin, messages

from .models import OutboxEmail
from .tasks import send_outbox_email


@admin.register(OutboxEmail)
class OutboxEmailAdmin(admin.ModelAdmin):
    list_display = ["id", "template", "recipient", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status", "template"]
    search_fields = ["recipient", "idempotency_key"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    readonly_fields = [f.name for f in OutboxEmail._meta.fields]
    actions = ["retry_now"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description="Retry selected failed or queued emails now")
    def retry_now(self, request, queryset):
        ids = list(queryset.exclude(status=OutboxEmail.Status.SENT).values_list("pk", flat=True))
        queryset.filter(pk__in=ids).update(status=OutboxEmail.Status.QUEUED, attempts=0)
        for pk in ids:
            send_outbox_email.delay(pk)
        self.message_user(request, f"{len(ids)} email(s) queued again.", messages.SUCCESS)
