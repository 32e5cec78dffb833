"""The concept search's trigram index keeps no pending list (common/gin.py)."""

from django.db import migrations

from common.gin import no_pending_list


class Migration(migrations.Migration):

    dependencies = [("ehr", "0001_initial")]

    operations = [no_pending_list("concept", {"display": "ehr_concept_display_trgm"})]
