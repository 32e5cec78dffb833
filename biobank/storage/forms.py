"""The staff desk's storage forms: moving a sample."""

from __future__ import annotations

from django import forms

from ..models import StorageContainer


class MoveSampleForm(forms.Form):
    box = forms.ModelChoiceField(label="To box", queryset=StorageContainer.objects.none(),
                                 help_text="Freezer / shelf or rack / box.")
    position = forms.CharField(label="Position", required=False, max_length=10,
                               help_text="As labelled in the box, e.g. A1 or 12. Empty: the box's next free position.")
    reason = forms.CharField(label="Why", required=False, max_length=200,
                             help_text="Kept with the move, e.g. \"freezer F02 defrosted\".")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["box"].queryset = (StorageContainer.objects.filter(kind=StorageContainer.Kind.BOX)
                                       .select_related("parent__parent")
                                       .order_by("parent__parent__name", "parent__name", "name"))
        self.fields["box"].label_from_instance = lambda box: box.path
