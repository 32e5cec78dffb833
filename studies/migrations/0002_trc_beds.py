from django.db import migrations

BED_COUNT = 18


def create_beds(apps, schema_editor):
    Bed = apps.get_model("studies", "Bed")
    for number in range(1, BED_COUNT + 1):
        Bed.objects.get_or_create(number=number, defaults={"label": f"Room {(number + 1) // 2}"})


class Migration(migrations.Migration):
    """The Translational Research Center has 18 inpatient beds, two to a room."""

    dependencies = [("studies", "0001_initial")]

    operations = [migrations.RunPython(create_beds, migrations.RunPython.noop)]
