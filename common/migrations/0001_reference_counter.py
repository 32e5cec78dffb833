"""The kernel's one table: a gapless counter per reference prefix and year.

References of biobank requests and partnership inquiries were numbered by one PostgreSQL
sequence per prefix and year (``reference_<prefix>_<year>``); each becomes a counter row at the
sequence's last value, so that numbering goes on where it stopped and no reference changes.
"""

import re

from django.db import migrations

SEQUENCE = re.compile(r"^reference_([a-z]{2,6})_(\d{4})$")


def sequences_to_counters(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT sequencename, last_value FROM pg_sequences WHERE sequencename LIKE 'reference\\_%%'")
        for name, last_value in cursor.fetchall():
            match = SEQUENCE.match(name)
            if not match:
                continue
            cursor.execute(
                "INSERT INTO reference_counter (prefix, year, last_number) VALUES (%s, %s, %s)",
                [match[1].upper(), int(match[2]), last_value or 0],
            )
            cursor.execute(f"DROP SEQUENCE {name}")  # nosec B608: a name matched by SEQUENCE above


def counters_to_sequences(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT prefix, year, last_number FROM reference_counter WHERE prefix <> 'DCR'")
        for prefix, year, last_number in cursor.fetchall():
            name = f"reference_{prefix.lower()}_{year}"
            cursor.execute(f"CREATE SEQUENCE IF NOT EXISTS {name}")  # nosec B608: prefix and year as checked on write
            if last_number:
                cursor.execute("SELECT setval(%s, %s)", [name, last_number])


class Migration(migrations.Migration):
    initial = True
    dependencies = []

    operations = [
        migrations.RunSQL(
            """CREATE TABLE reference_counter (
                prefix varchar(6) NOT NULL CHECK (prefix ~ '^[A-Z]{2,6}$'),
                year smallint NOT NULL,
                last_number integer NOT NULL CHECK (last_number >= 0),
                PRIMARY KEY (prefix, year))""",
            "DROP TABLE reference_counter",
        ),
        migrations.RunPython(sequences_to_counters, counters_to_sequences),
    ]
