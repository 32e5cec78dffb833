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


class LabelledTabularInline:
    """Mixin of a tabular inline (put it before ``admin.TabularInline``): every input of its rows,
    the "Delete?" box included, is named after its column (``aria-label``). Django's tabular inline
    writes the column name only once, in the table's header, so a screen reader reached the inputs
    with no name at all (axe: "Form elements must have labels")."""

    def get_formset(self, request, obj=None, **kwargs):
        from django.utils.text import capfirst

        formset = super().get_formset(request, obj, **kwargs)

        def add_fields(this, form, index):
            formset.add_fields(this, form, index)
            for field in form.fields.values():
                if field.label:
                    field.widget.attrs.setdefault("aria-label", str(capfirst(field.label)))

        return type(formset.__name__, (formset,), {"add_fields": add_fields})
