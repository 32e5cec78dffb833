# The triage desk searches words of titles and parts of references over tens of thousands of
# requests: trigram indexes on UPPER(title) and UPPER(reference) serve Django's case-insensitive
# "contains" without reading every row.
#
# pg_trgm ships with PostgreSQL's contrib modules; the embedded development server (pgserver)
# has none, so there the indexes are skipped and the same searches scan the (small) table.

import django.contrib.postgres.indexes
import django.db.models.functions.text
from django.db import migrations

TABLE = "consultations_consultationrequest"
INDEXES = {"consult_title_trgm_idx": "title", "consult_reference_trgm_idx": "reference"}


def create_trigram_indexes(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
        if cursor.fetchone() is None:
            return
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for name, column in INDEXES.items():
            cursor.execute(f'CREATE INDEX IF NOT EXISTS "{name}" ON "{TABLE}" USING gin (UPPER("{column}") gin_trgm_ops)')


def drop_trigram_indexes(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for name in INDEXES:
            cursor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):

    dependencies = [
        ("consultations", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(create_trigram_indexes, drop_trigram_indexes)],
            state_operations=[
                migrations.AddIndex(
                    model_name="consultationrequest",
                    index=django.contrib.postgres.indexes.GinIndex(
                        django.contrib.postgres.indexes.OpClass(django.db.models.functions.text.Upper("title"),
                                                                name="gin_trgm_ops"),
                        name="consult_title_trgm_idx",
                    ),
                ),
                migrations.AddIndex(
                    model_name="consultationrequest",
                    index=django.contrib.postgres.indexes.GinIndex(
                        django.contrib.postgres.indexes.OpClass(django.db.models.functions.text.Upper("reference"),
                                                                name="gin_trgm_ops"),
                        name="consult_reference_trgm_idx",
                    ),
                ),
            ],
        ),
    ]
