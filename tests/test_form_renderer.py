"""The portal's form renderer writes the commonest widgets in Python: exactly what Django's templates draw."""

import datetime
from decimal import Decimal

import pytest
from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from common.form_renderer import PortalFormRenderer

WIDGETS = [
    (forms.TextInput(attrs={"placeholder": gettext_lazy("Search"), "required": True, "disabled": False,
                            "data-x": 'say "hi" & <bye>'}), "a 'quoted' & <b>"),
    (forms.TextInput(), None),
    (forms.TextInput(attrs={"title": mark_safe("<i>kept</i>")}), mark_safe("&amp; safe")),
    (forms.NumberInput(attrs={"min": 0, "step": Decimal("0.25")}), 0),
    (forms.NumberInput(), Decimal("12.50")),
    (forms.HiddenInput(), 42),
    (forms.HiddenInput(), ("a", "b")),
    (forms.EmailInput(), "someone@example.org"),
    (forms.PasswordInput(render_value=True), "secret"),
    (forms.CheckboxInput(), True),
    (forms.CheckboxInput(), False),
    (forms.DateInput(), datetime.date(2026, 12, 8)),
    (forms.DateTimeInput(), datetime.datetime(2026, 12, 8, 9, 30)),
    (forms.TimeInput(), datetime.time(9, 30)),
    (forms.URLInput(), "https://example.org/?a=1&b=2"),
    (forms.FileInput(), None),
    (forms.TextInput(attrs={"aria-describedby": "id_x_helptext", "autofocus": True}), ""),
]


@pytest.mark.parametrize("widget, value", WIDGETS, ids=[f"{type(w).__name__}-{n}" for n, (w, _) in enumerate(WIDGETS)])
def test_each_widget_is_drawn_as_djangos_template_draws_it(widget, value):
    assert PortalFormRenderer().written_here  # the fast path is on: Django's own templates are in use
    written = widget.render("field", value, attrs={"id": "id_field"}, renderer=PortalFormRenderer())
    templated = widget.render("field", value, attrs={"id": "id_field"}, renderer=TemplatesSetting())
    assert written == templated


def test_error_lists_are_drawn_as_djangos_templates_draw_them():
    class Form(forms.Form):
        name = forms.CharField()
        age = forms.IntegerField(required=False)

    def drawn(renderer):
        form = Form({"name": "", "age": "x"}, renderer=renderer)
        form.is_valid()
        return str(form["name"].errors), str(form.errors), form.as_div()

    written = drawn(PortalFormRenderer())
    assert written == drawn(TemplatesSetting())
    assert 'class="errorlist"' in written[0] and "This field is required." in written[0]
    assert str(Form({"name": "Ada"}, renderer=PortalFormRenderer())["name"].errors) == ""


def test_a_template_the_project_overrides_is_drawn_from_the_template(settings, tmp_path):
    (tmp_path / "django" / "forms" / "widgets").mkdir(parents=True)
    (tmp_path / "django" / "forms" / "widgets" / "text.html").write_text('<input class="ours" name="{{ widget.name }}">')
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    assert "django/forms/widgets/text.html" not in PortalFormRenderer().written_here
    assert forms.TextInput().render("n", "v", renderer=PortalFormRenderer()) == '<input class="ours" name="n">'
