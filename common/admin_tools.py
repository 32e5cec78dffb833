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


class KeptChangePage:
    """Mixin of a ModelAdmin (put it first): a staff member's change page (a GET without messages),
    rendered once per change of what it shows and then served from ``kept_change_pages``, a
    ``common.page_cache.PageCache`` whose owner forgets it on every save or delete of the rows the
    page shows (``accounts.backends.forget_on_change``). Most of such a page's time is Django's admin
    drawing its form widgets, not its queries.

    The model-level permission is checked on every request; the object-level checks ran when the
    page was rendered for this person, and any change of roles or of who works where forgets it."""

    kept_change_pages = None

    def keep_change_page(self, request, object_id, render, extra_context=None, stamp=None):
        """``stamp()``: a stamp of what the page shows where no signal tells (rows written in bulk)."""
        from .page_cache import serve_person

        if extra_context or self.kept_change_pages is None or not self.has_view_or_change_permission(request):
            return render()
        return serve_person(self.kept_change_pages, request, render, parameters=None,
                            scope=("change", self.model._meta.label, str(object_id), stamp() if stamp else None))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return self.keep_change_page(request, object_id, lambda: super(KeptChangePage, self).change_view(
            request, object_id, form_url, extra_context), extra_context)
