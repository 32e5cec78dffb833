# The directory's search vector becomes a column PostgreSQL computes itself (it was written
# by Center.save(), which queryset.update(), bulk_create and fixtures skipped).

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("centers", "0001_initial"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="center", name="center_search_idx"),
        migrations.RemoveField(model_name="center", name="search_vector"),
        migrations.AddField(
            model_name="center",
            name="search_vector",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.contrib.postgres.search.CombinedSearchVector(
                    django.contrib.postgres.search.CombinedSearchVector(
                        django.contrib.postgres.search.SearchVector("name", config="english", weight="A"),
                        "||",
                        django.contrib.postgres.search.SearchVector("mission", config="english", weight="B"),
                        django.contrib.postgres.search.SearchConfig("english"),
                    ),
                    "||",
                    django.contrib.postgres.search.SearchVector("description", config="english", weight="C"),
                    django.contrib.postgres.search.SearchConfig("english"),
                ),
                output_field=django.contrib.postgres.search.SearchVectorField(),
            ),
        ),
        migrations.AddIndex(
            model_name="center",
            index=django.contrib.postgres.indexes.GinIndex(fields=["search_vector"], name="center_search_idx"),
        ),
    ]
