"""The desk's trigram indexes keep no pending list (common/gin.py)."""

from django.db import migrations

from common.gin import no_pending_list


class Migration(migrations.Migration):

    dependencies = [("consultations", "0007_drafts_and_surveys")]

    operations = [
        no_pending_list("consultationrequest", {"title": "consult_title_trgm_idx",
                                                "reference": "consult_reference_trgm_idx"}),
    ]
