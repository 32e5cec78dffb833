"""Audit of reads: every staff view of a protected field is written down."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models

from .models import ProtectedAccess


def record_access(user, records: Iterable[models.Model] | models.Model, fields: Iterable[str], *,
                  action: str = ProtectedAccess.Action.VIEW, path: str = "") -> int:
    """Log that ``user`` saw ``fields`` of ``records``; returns how many rows were written."""
    if isinstance(records, models.Model):
        records = [records]
    field_list = ",".join(sorted(fields))[:300]
    rows = [
        ProtectedAccess(user=user, action=action, record_type=record._meta.label, record_id=str(record.pk),
                        fields=field_list, path=path[:300])
        for record in records
    ]
    ProtectedAccess.objects.bulk_create(rows)
    return len(rows)


# --- The audit trail: changes (django-simple-history) and reads (ProtectedAccess) together ---

def protected_models() -> list[type[models.Model]]:
    """The models that hold a field named in PROTECTED_FIELDS."""
    from django.apps import apps

    from common.protected import PROTECTED_FIELDS

    labels = sorted({name.rsplit(".", 1)[0] for name in PROTECTED_FIELDS})
    return [apps.get_model(label) for label in labels]


def audit_trail(*, limit: int = 100, record_type: str = "") -> list[dict]:
    """The latest ``limit`` events on protected records, newest first: who, when, what, which record.

    One query per protected model plus one for the reads, whatever ``limit`` is.
    """
    events: list[dict] = []
    kinds = {"+": "created", "~": "changed", "-": "deleted"}
    for model in protected_models():
        label = model._meta.label
        if record_type and record_type != label:
            continue
        history = model.history.select_related("history_user").order_by("-history_date")[:limit]
        for row in history:
            events.append({"at": row.history_date, "user": row.history_user, "event": kinds.get(row.history_type, "changed"),
                           "record_type": label, "record_id": str(row.id),
                           "detail": row.history_change_reason or "", "history_id": row.history_id,
                           "model": model._meta})
    reads = ProtectedAccess.objects.select_related("user").order_by("-at")
    if record_type:
        reads = reads.filter(record_type=record_type)
    for access in reads[:limit]:
        events.append({"at": access.at, "user": access.user, "event": access.get_action_display().lower(),
                       "record_type": access.record_type, "record_id": access.record_id,
                       "detail": f"fields: {access.fields}", "history_id": None, "model": None})
    events.sort(key=lambda event: event["at"], reverse=True)
    return events[:limit]
