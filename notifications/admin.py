from django.contrib import admin, messages

from common.admin_tools import ReadOnlyAdminMixin

from . import services
from .models import OutboxEmail


@admin.register(OutboxEmail)
class OutboxEmailAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only view of what the portal sent or owes, with one action: send again."""

    list_display = ["id", "template", "recipient", "status", "attempts", "language", "created_at", "sent_at"]
    list_filter = ["status", "template", "language"]
    search_fields = ["recipient", "=idempotency_key"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    # The context values are not shown: a password-reset link in it opens the account
    # until it expires, and nobody at the staff desk needs to read it.
    fields = ["recipient", "template", "context_keys", "language", "status", "attempts", "last_error",
              "idempotency_key", "created_at", "updated_at", "next_attempt_at", "sent_at"]
    readonly_fields = fields
    actions = ["retry"]

    def has_retry_permission(self, request):
        return request.user.has_perm("notifications.change_outboxemail")

    @admin.display(description="context (names of the values)")
    def context_keys(self, obj: OutboxEmail) -> str:
        return ", ".join(sorted(obj.context)) or "-"

    @admin.action(description="Send the selected unsent emails again", permissions=["retry"])
    def retry(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True))
        selected = len(ids)
        count = services.retry(ids)
        self.message_user(request, f"{count} email(s) queued to be sent again.", messages.SUCCESS)
        if count < selected:
            self.message_user(
                request, f"{selected - count} email(s) left alone: already sent, or being sent right now.",
                messages.WARNING,
            )
