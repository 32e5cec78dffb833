# The triage desk searches words of titles and parts of references over tens of thousands of
# requests: trigram indexes on UPPER(title) and UPPER(reference) serve Django's case-insensitive
# "contains" without reading every row.

import django.contrib.postgres.indexes
import django.db.models.functions.text
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("consultations", "0001_initial"),
    ]

    operations = [
        TrigramExtension(),
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
    ]
