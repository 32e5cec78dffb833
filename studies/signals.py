"""Keep study search vectors current when a study is saved or its conditions change or are renamed, and
forget the cached public pages (finder, study pages) when anything they show changes."""

from __future__ import annotations

from django.db.models.signals import m2m_changed, post_delete, post_save

from . import page_cache
from .search import refresh_search_vectors


def study_saved(sender, instance, **kwargs) -> None:
    refresh_search_vectors([instance.pk])


def conditions_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    if reverse and action == "pre_clear":
        # condition.studies.clear(): remember whose vectors to refresh once the rows are gone.
        instance._studies_before_clear = list(instance.studies.values_list("pk", flat=True))
        return
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if not reverse:
        refresh_search_vectors([instance.pk])
    elif action == "post_clear":
        refresh_search_vectors(getattr(instance, "_studies_before_clear", []))
    else:
        refresh_search_vectors(pk_set or [])


def condition_saved(sender, instance, created, **kwargs) -> None:
    if created:
        return
    refresh_search_vectors(instance.studies.values_list("pk", flat=True))


def connect() -> None:
    from centers.models import Center

    from .models import Condition, PrescreenQuestion, Study

    post_save.connect(study_saved, sender=Study, dispatch_uid="studies.study_saved")
    m2m_changed.connect(conditions_changed, sender=Study.conditions.through, dispatch_uid="studies.conditions_changed")
    post_save.connect(condition_saved, sender=Condition, dispatch_uid="studies.condition_saved")
    for model in (Study, Condition, PrescreenQuestion, Center):
        for signal, event in ((post_save, "saved"), (post_delete, "deleted")):
            signal.connect(page_cache.invalidate, sender=model, dispatch_uid=f"studies.pages.{model.__name__}.{event}")
    m2m_changed.connect(page_cache.invalidate, sender=Study.conditions.through, dispatch_uid="studies.pages.conditions")
