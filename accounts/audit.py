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
