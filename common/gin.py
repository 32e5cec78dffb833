"""GIN indexes searched as a person types keep no pending list.

By default PostgreSQL puts new GIN entries in a pending list that every search reads in full until
VACUUM merges it; after a bulk load (an EHR extract, the desk's imports) a trigram search over a
few thousand names took milliseconds instead of a tenth of one. These indexes are small and written
rarely, so they take each entry at once (``fastupdate = off``).
"""

from __future__ import annotations

from django.db import migrations


def fastupdate_off(*names: str) -> migrations.RunPython:
    """A migration step: stop the pending list of each named index (where it exists; trigram indexes
    need pg_trgm) and merge what it holds."""

    def forwards(apps, schema_editor):
        with schema_editor.connection.cursor() as cursor:
            for name in names:
                cursor.execute("SELECT to_regclass(%s)", [name])
                if cursor.fetchone()[0] is None:
                    continue
                cursor.execute(f'ALTER INDEX "{name}" SET (fastupdate = off)')
                cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [name])

    def backwards(apps, schema_editor):
        with schema_editor.connection.cursor() as cursor:
            for name in names:
                cursor.execute(f'ALTER INDEX IF EXISTS "{name}" RESET (fastupdate)')

    return migrations.RunPython(forwards, backwards)
