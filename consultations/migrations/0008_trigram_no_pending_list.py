"""The desk's trigram indexes keep no pending list (common/gin.py)."""

import django.contrib.postgres.indexes
import django.db.models.functions.text
from django.db import migrations

from common.gin import fastupdate_off


def _index(column, name):
    return django.contrib.postgres.indexes.GinIndex(
        django.contrib.postgres.indexes.OpClass(django.db.models.functions.text.Upper(column), name="gin_trgm_ops"),
        fastupdate=False, name=name)


class Migration(migrations.Migration):

    dependencies = [("consultations", "0007_drafts_and_surveys")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[fastupdate_off("consult_title_trgm_idx", "consult_reference_trgm_idx")],
            state_operations=[
                migrations.RemoveIndex(model_name="consultationrequest", name="consult_title_trgm_idx"),
                migrations.AddIndex(model_name="consultationrequest", index=_index("title", "consult_title_trgm_idx")),
                migrations.RemoveIndex(model_name="consultationrequest", name="consult_reference_trgm_idx"),
                migrations.AddIndex(model_name="consultationrequest", index=_index("reference", "consult_reference_trgm_idx")),
            ],
        ),
    ]
