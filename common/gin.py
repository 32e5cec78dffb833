"""GIN indexes searched as a person types keep no pending list.

By default PostgreSQL puts new GIN entries in a pending list that every search reads in full until
VACUUM merges it; after a bulk load (an EHR extract, the desk's imports) a trigram search over a
few thousand names took milliseconds instead of a tenth of one. These indexes are small and written
rarely, so they take each entry at once (``fastupdate = off``).
"""

from __future__ import annotations

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import migrations
from django.db.models.functions import Upper


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


def trigram_index(column: str, name: str) -> GinIndex:
    """A trigram index of UPPER(``column``) (searched by icontains) without a pending list."""
    return GinIndex(OpClass(Upper(column), name="gin_trgm_ops"), fastupdate=False, name=name)


def no_pending_list(model_name: str, indexes: dict[str, str]) -> migrations.SeparateDatabaseAndState:
    """A migration step: the trigram indexes ``{column: index name}`` of a model lose their pending
    list in the database (where they exist) and become ``trigram_index`` in the migration state."""
    state = []
    for column, name in indexes.items():
        state += [migrations.RemoveIndex(model_name=model_name, name=name),
                  migrations.AddIndex(model_name=model_name, index=trigram_index(column, name))]
    return migrations.SeparateDatabaseAndState(database_operations=[fastupdate_off(*indexes.values())],
                                               state_operations=state)
