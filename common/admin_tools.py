"""Pieces shared by the staff desk of every app."""

from __future__ import annotations


class ReadOnlyAdminMixin:
    """Records that only the portal's own code writes (outbox, audit, service-made rows):
    staff may read them at the desk, nobody adds, edits or deletes them there."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
