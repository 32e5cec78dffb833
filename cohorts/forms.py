"""The cohort builder as forms: one form per criterion and per group, read from the query string.

Without JavaScript the whole state lives in the GET form: buttons add a criterion or a group,
a typed term is searched on submit and the matching concepts are offered as choices.
"""

from __future__ import annotations

import re

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout, Submit
from django import forms
from django.http import QueryDict

from biobank.forms import CohortForm, RecontactRequestForm, SampleRequestForm
from ehr import selectors as concepts

from .models import BiobankAccess
from .question import MAX_CRITERIA, MAX_GROUPS, VALUE_OPS, Criterion, Group, Question

# "snomed:44054006", optionally followed by the concept's name (as the builder writes it back).
KEY = re.compile(r"^(?P<system>[a-z0-9]+|https?://\S+?):(?P<code>[^\s:]{1,100})(?:\s.*)?$", re.S)
FIELD = re.compile(r"^g(?P<group>\d{1,2})(?:-c(?P<criterion>\d{1,2}))?-")


class CriterionForm(forms.Form):
    concept = forms.CharField(label="Diagnosis, lab, medication or procedure", required=False, max_length=300,
                              widget=forms.TextInput(attrs={"placeholder": "e.g. E11, diabetes, HbA1c, metformin",
                                                            "autocomplete": "off", "class": "js-concept"}))
    pick = forms.CharField(required=False, widget=forms.HiddenInput)
    value_op = forms.ChoiceField(label="Value", required=False, choices=[("", "any value"), *VALUE_OPS.items()])
    value = forms.FloatField(label="Number", required=False)
    value2 = forms.FloatField(label="and", required=False)
    unit = forms.CharField(label="Unit", required=False, max_length=40,
                           widget=forms.TextInput(attrs={"placeholder": "e.g. %, mg/dL"}))
    within_years = forms.IntegerField(label="In the last (years)", required=False, min_value=1, max_value=100)
    date_from = forms.DateField(label="From", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="To", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    min_count = forms.IntegerField(label="At least (times)", required=False, min_value=1, max_value=1000)
    age_min = forms.IntegerField(label="Aged from", required=False, min_value=0, max_value=120)
    age_max = forms.IntegerField(label="to", required=False, min_value=0, max_value=120)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.matches: list[concepts.ConceptChoice] = []
        self.chosen: tuple[str, str] | None = None
        _bootstrap(self)  # a question has up to 64 of these forms: rendered by hand, not by crispy

    def full_clean(self):
        super().full_clean()
        _bootstrap(self)

    def clean(self):
        data = super().clean()
        typed = (data.get("pick") or data.get("concept") or "").strip()
        key = KEY.match(typed)
        if key:
            self.chosen = (key["system"], key["code"])
        elif typed:
            self.matches = concepts.search_concepts(typed)
            exact = [c for c in self.matches if c.code.upper() == typed.upper()]
            if len(exact) == 1:
                self.chosen = (exact[0].system, exact[0].code)
            elif not self.matches:
                self.add_error("concept", f"No loaded diagnosis, lab, medication or procedure matches \"{typed[:60]}\". "
                                          "Try other words or a code.")
            else:
                self.add_error("concept", "Choose one of the matching concepts below.")
        op = data.get("value_op")
        if op and data.get("value") is None:
            self.add_error("value", "Give the number to compare the value with.")
        if op == "between" and data.get("value2") is None:
            self.add_error("value2", "Give the upper end of the range.")
        if op and not (data.get("unit") or "").strip():
            self.add_error("unit", "Give the unit the value is in, e.g. % or mg/dL: values are compared in their "
                                   "recorded unit.")
        if not self.chosen and any(data.get(n) not in (None, "") for n in ("value_op", "within_years", "date_from",
                                                                            "date_to", "min_count", "age_min")):
            if not typed:
                self.add_error("concept", "Name the diagnosis, lab, medication or procedure these limits apply to.")
        low, high = data.get("date_from"), data.get("date_to")
        if low and high and low > high:
            self.add_error("date_to", "The end date must be on or after the start date.")
        if data.get("age_min") is not None and data.get("age_max") is not None and data["age_min"] > data["age_max"]:
            self.add_error("age_max", "The upper age must be the same as or above the lower one.")
        return data

    def criterion(self) -> Criterion | None:
        if not self.chosen:
            return None
        data = self.cleaned_data
        return Criterion(
            system=self.chosen[0], code=self.chosen[1], value_op=data.get("value_op") or "",
            value=data.get("value"), value2=data.get("value2"), unit=(data.get("unit") or "").strip(),
            within_years=data.get("within_years"), date_from=data.get("date_from"), date_to=data.get("date_to"),
            min_count=data.get("min_count") or 1, age_min=data.get("age_min"), age_max=data.get("age_max"))


class GroupForm(forms.Form):
    exclude = forms.BooleanField(label="Exclude people who match this group (NOT)", required=False)


def _bootstrap(form: forms.Form) -> None:
    """Bootstrap classes on the widgets: the builder renders its many fields by hand (cohorts/_field.html)."""
    errors = form._errors or {}
    for name, field in form.fields.items():
        classes = set(field.widget.attrs.get("class", "").split())
        if isinstance(field.widget, (forms.CheckboxSelectMultiple, forms.CheckboxInput)):
            classes.add("form-check-input")
        else:
            classes.add("form-select" if isinstance(field.widget, forms.Select) else "form-control")
        if name in errors:
            classes.add("is-invalid")
        field.widget.attrs["class"] = " ".join(sorted(classes))


class SampleCriteriaForm(CohortForm):
    """Today's sample and person criteria (biobank), as one more part of the question."""

    def full_clean(self):
        super().full_clean()
        _bootstrap(self)


class Builder:
    """The builder's forms, read from a query string (with the add/remove buttons applied)."""

    def __init__(self, data: QueryDict | None):
        data = data if data is not None else QueryDict()
        layout = self._layout(data)
        action = data.get("add", "")
        if action == "group" and len(layout) < MAX_GROUPS:
            layout[max(layout, default=-1) + 1] = [0]
        elif action.startswith("g") and action[1:].isdigit() and int(action[1:]) in layout:
            rows = layout[int(action[1:])]
            if len(rows) < MAX_CRITERIA:
                rows.append(max(rows, default=-1) + 1)
        removed = data.get("remove", "")
        self.editing = bool(action or removed)
        bound = data if data else None
        self.groups = []
        for g, rows in sorted(layout.items()):
            criteria = [CriterionForm(bound, prefix=f"g{g}-c{c}") for c in rows if removed != f"g{g}-c{c}"]
            if criteria:
                self.groups.append((g, GroupForm(bound, prefix=f"g{g}"), criteria))
        self.sample = SampleCriteriaForm(bound)
        self.names: dict[tuple[str, str], str] = {}

    @staticmethod
    def _layout(data: QueryDict) -> dict[int, list[int]]:
        layout: dict[int, set[int]] = {}
        for name in data:
            match = FIELD.match(name)
            if match and match["criterion"] is not None:
                layout.setdefault(int(match["group"]), set()).add(int(match["criterion"]))
        result = {g: sorted(rows)[:MAX_CRITERIA] for g, rows in sorted(layout.items())[:MAX_GROUPS]}
        return result or {0: [0]}

    def is_valid(self) -> bool:
        forms_ = [self.sample] + [f for _, group, rows in self.groups for f in (group, *rows)]
        valid = all([form.is_valid() for form in forms_])
        self._show_chosen()
        return valid

    def _show_chosen(self) -> None:
        """Write each chosen concept back as "system:code name", so the page shows what was picked."""
        rows = [form for _, _, forms_ in self.groups for form in forms_ if form.chosen]
        self.names = names = concepts.describe([form.chosen for form in rows]) if rows else {}
        for form in rows:
            form.data = form.data.copy()
            system, code = form.chosen
            form.data[form.add_prefix("concept")] = f"{system}:{code} {names.get(form.chosen, '')}".strip()
            form.data.pop(form.add_prefix("pick"), None)

    def question(self) -> Question:
        groups = []
        for _, group, rows in self.groups:
            criteria = tuple(c for c in (form.criterion() for form in rows) if c)
            if criteria:
                groups.append(Group(criteria, bool(group.cleaned_data.get("exclude"))))
        return Question(tuple(groups), self.sample.criteria())


def question_query(question: Question) -> QueryDict:
    """The builder's query string for ``question`` (to open a saved cohort)."""
    query = QueryDict(mutable=True)
    for g, group in enumerate(question.groups):
        if group.exclude:
            query[f"g{g}-exclude"] = "on"
        for c, criterion in enumerate(group.criteria):
            prefix = f"g{g}-c{c}-"
            query[prefix + "concept"] = f"{criterion.system}:{criterion.code}"
            for name, value in criterion.as_dict().items():
                if name not in ("system", "code"):
                    query[prefix + name] = str(value)
    for name, value in question.sample.as_query().items():
        query[name] = value
    return query


class SaveCohortForm(forms.Form):
    name = forms.CharField(label="Name of the cohort", max_length=120)
    state = forms.CharField(widget=forms.HiddenInput, max_length=8000)


class CohortSampleRequestForm(SampleRequestForm):
    """A sample request for a saved cohort: the cohort is the criteria (no count is shown here)."""

    sample_type = sex = birth_year_min = birth_year_max = genotyped = recontact = None

    def layout(self) -> Layout:
        return Layout(Fieldset("Your study", "irb_protocol", "title"),
                      Fieldset("How many, and why", "samples_requested", "purpose"))

    def clean(self):
        return forms.Form.clean(self)


class CohortRecontactRequestForm(RecontactRequestForm):
    sex = birth_year_min = birth_year_max = genotyped = None

    def layout(self) -> Layout:
        return Layout(Fieldset("Your study", "irb_protocol", "title"),
                      Fieldset("Who to contact", "participants_requested"),
                      Fieldset("What they will read", "message"))

    def clean(self):
        return forms.Form.clean(self)


class AccessForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.add_input(Submit("submit", "Send the application"))

    class Meta:
        model = BiobankAccess
        fields = ["irb_protocol", "institution", "purpose"]
        widgets = {"purpose": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"irb_protocol": "The protocol that approves your use of biobank data and samples.",
                      "purpose": "What you mean to study with the biobank, in a few sentences."}


class AccessDecisionForm(forms.Form):
    to = forms.ChoiceField(label="New status")
    reason = forms.CharField(label="Note for the researcher", required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="Required when declining or revoking; the researcher reads it.")

    def __init__(self, *args, access: BiobankAccess, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(BiobankAccess.Status.choices)
        self.fields["to"].choices = [(s, labels[s]) for s in BiobankAccess.MOVES.allowed(access.status)
                                     if s != BiobankAccess.Status.PENDING]
