"""The concept search's trigram index keeps no pending list (common/gin.py)."""

import django.contrib.postgres.indexes
import django.db.models.functions.text
from django.db import migrations

from common.gin import fastupdate_off


def _index(column, name):
    return django.contrib.postgres.indexes.GinIndex(
        django.contrib.postgres.indexes.OpClass(django.db.models.functions.text.Upper(column), name="gin_trgm_ops"),
        fastupdate=False, name=name)


class Migration(migrations.Migration):

    dependencies = [("ehr", "0001_initial")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[fastupdate_off("ehr_concept_display_trgm")],
            state_operations=[
                migrations.RemoveIndex(model_name="concept", name="ehr_concept_display_trgm"),
                migrations.AddIndex(model_name="concept", index=_index("display", "ehr_concept_display_trgm")),
            ],
        ),
    ]
