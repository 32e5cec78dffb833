"""The consent form's statements, coded and versioned, in the staff desk."""

from __future__ import annotations

from django.contrib import admin

from ..models import ConsentStatement


@admin.register(ConsentStatement)
class ConsentStatementAdmin(admin.ModelAdmin):
    list_display = ["code", "version", "text", "introduced_on"]
    list_filter = ["code", "version"]
    search_fields = ["text", "version"]
