"""Audit of reads: every staff view of a protected field is written down."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, models
from django.utils import timezone

from .models import ProtectedAccess


def record_access(user, records: Iterable[models.Model] | models.Model, fields: Iterable[str], *,
                  action: str = ProtectedAccess.Action.VIEW, path: str = "") -> int:
    """Log that ``user`` saw ``fields`` of ``records``; returns how many rows were written."""
    if isinstance(records, models.Model):
        records = [records]
    return record_access_by_id(user, [(record._meta.label, record.pk) for record in records], fields,
                               action=action, path=path)


def record_access_by_id(user, records: Iterable[tuple[str, object]], fields: Iterable[str], *,
                        action: str = ProtectedAccess.Action.VIEW, path: str = "") -> int:
    """``record_access`` of records named by (model label, primary key): a page served again from
    the cache writes down the records it shows without reading them."""
    labels, ids = [], []
    for label, pk in records:
        labels.append(label)
        ids.append(str(pk))
    if not ids:
        return 0
    # One INSERT of arrays: a page of 25 records is written as cheaply as one (no model objects built).
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {ProtectedAccess._meta.db_table} (user_id, at, action, record_type, record_id, fields, path) "  # nosec B608: the model's table
            "SELECT %s, %s, %s, r.label, r.pk, %s, %s FROM unnest(%s::text[], %s::text[]) AS r(label, pk)",
            [user.pk, timezone.now(), action, ",".join(sorted(fields))[:300], path[:300], labels, ids])
    return len(ids)


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
