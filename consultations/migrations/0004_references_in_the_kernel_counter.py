"""Consultation references move to the kernel's counter (prefix DCR): the numbering goes on
from each year's last number, so no reference changes."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("common", "0001_reference_counter"),
        ("consultations", "0003_center_status_index"),
    ]

    operations = [
        migrations.RunSQL(
            """INSERT INTO reference_counter (prefix, year, last_number)
               SELECT 'DCR', year, last_number FROM consultations_referencecounter
               ON CONFLICT (prefix, year) DO UPDATE
               SET last_number = GREATEST(reference_counter.last_number, EXCLUDED.last_number)""",
            """INSERT INTO consultations_referencecounter (year, last_number)
               SELECT year, last_number FROM reference_counter WHERE prefix = 'DCR'""",
        ),
        migrations.DeleteModel(name="ReferenceCounter"),
    ]
