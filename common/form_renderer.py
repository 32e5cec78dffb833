"""The portal's form renderer: Django's templates, with the commonest widgets written in Python.

A staff desk change page draws hundreds of ``<input>`` tags and as many empty error lists, each
through the template language (``input.html`` including ``attrs.html``; ``errors/list/default.html``
including ``ul.html``): a fifth of the study page's first visit. Those few templates are written here
with the same markup, escaping and ``stringformat:'s'`` as theirs; any other template, a non-empty
error list, and any of these templates should a project template override it, go through the
templates as before.
"""

from __future__ import annotations

from pathlib import Path

import django.forms
from django.forms.renderers import TemplatesSetting
from django.utils.functional import cached_property
from django.utils.html import escape
from django.utils.safestring import SafeData

INPUT = "django/forms/widgets/input.html"
# The widget templates that are exactly {% include "django/forms/widgets/input.html" %}.
INPUT_TEMPLATES = frozenset([INPUT] + [f"django/forms/widgets/{name}.html" for name in (
    "checkbox", "color", "date", "datetime", "email", "file", "hidden", "number", "password", "search", "tel",
    "text", "time", "url")])
ERROR_TEMPLATES = frozenset(["django/forms/errors/list/default.html", "django/forms/errors/list/ul.html"])
DEPENDS_ON = frozenset([INPUT, "django/forms/widgets/attrs.html", "django/forms/errors/list/ul.html"])
DJANGO_TEMPLATES = Path(django.forms.__file__).resolve().parent / "templates"


def _formatted(value) -> str:
    """``{{ value|stringformat:'s' }}``: a safe value as it is, any other escaped."""
    if isinstance(value, tuple):
        value = str(value)
    text = "%s" % (value,)
    return text if isinstance(value, SafeData) else escape(text)


def input_tag(widget: dict) -> str:
    parts = [f'<input type="{escape(widget["type"])}" name="{escape(widget["name"])}"']
    if widget["value"] is not None:
        parts.append(f' value="{_formatted(widget["value"])}"')
    for name, value in widget["attrs"].items():
        if value is not False:
            parts.append(f" {escape(name)}" if value is True else f' {escape(name)}="{_formatted(value)}"')
    parts.append(">")
    return "".join(parts)


class PortalFormRenderer(TemplatesSetting):
    @cached_property
    def written_here(self) -> frozenset[str]:
        """The templates drawn in Python: only while they, and those they include, are Django's own."""
        def djangos(name: str) -> bool:
            origin = getattr(self.get_template(name).origin, "name", "") or ""
            return Path(origin).resolve().is_relative_to(DJANGO_TEMPLATES)

        if not all(djangos(name) for name in DEPENDS_ON):
            return frozenset()
        return frozenset(name for name in INPUT_TEMPLATES | ERROR_TEMPLATES if djangos(name))

    def render(self, template_name, context, request=None):
        if template_name in self.written_here:
            if template_name in ERROR_TEMPLATES:
                if not context.get("errors"):
                    return ""
            else:
                return input_tag(context["widget"])
        return super().render(template_name, context, request=request)
