"""The written places are gone (0006 made them positions); the box a sample stands in is its ``box``."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('biobank', '0006_place_written_locations'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='sample',
            name='sample_one_per_position',
        ),
        migrations.RemoveField(
            model_name='historicalsample',
            name='freezer',
        ),
        migrations.RemoveField(
            model_name='historicalsample',
            name='position',
        ),
        migrations.RemoveField(
            model_name='historicalsample',
            name='rack',
        ),
        migrations.RemoveField(
            model_name='historicalsample',
            name='box',
        ),
        migrations.RenameField(
            model_name='historicalsample',
            old_name='storage_box',
            new_name='box',
        ),
        migrations.RemoveField(
            model_name='sample',
            name='freezer',
        ),
        migrations.RemoveField(
            model_name='sample',
            name='position',
        ),
        migrations.RemoveField(
            model_name='sample',
            name='rack',
        ),
        migrations.RemoveField(
            model_name='sample',
            name='box',
        ),
        migrations.RenameField(
            model_name='sample',
            old_name='storage_box',
            new_name='box',
        ),
        migrations.AlterField(
            model_name='historicalsample',
            name='box',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, limit_choices_to={'kind': 'box'}, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='biobank.storagecontainer'),
        ),
        migrations.AlterField(
            model_name='sample',
            name='box',
            field=models.ForeignKey(blank=True, db_index=False, limit_choices_to={'kind': 'box'}, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='samples', to='biobank.storagecontainer'),
        ),
        migrations.AddIndex(
            model_name='sample',
            index=models.Index(condition=models.Q(('status', 'distributed')), fields=['box', 'pos_row', 'pos_col'], name='sample_box_distributed_idx'),
        ),
        migrations.AddConstraint(
            model_name='sample',
            constraint=models.UniqueConstraint(condition=models.Q(('status__in', ['available', 'reserved', 'withdrawn'])), fields=('box', 'pos_row', 'pos_col'), name='sample_one_per_position', violation_error_message='Another sample is stored at this position.'),
        ),
        migrations.AddConstraint(
            model_name='sample',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('box__isnull', True), ('pos_col__isnull', True), ('pos_row__isnull', True)), models.Q(('box__isnull', False), ('pos_col__gte', 1), ('pos_col__isnull', False), ('pos_row__gte', 1), ('pos_row__isnull', False)), _connector='OR'), name='sample_position_whole'),
        ),
    ]
