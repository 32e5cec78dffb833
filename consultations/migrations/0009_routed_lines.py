"""Lines routed to another centre than their request's, kept by triggers (consultations.routing), and a first count."""

import django.db.models.deletion
from django.db import migrations, models

from consultations import routing


class Migration(migrations.Migration):

    dependencies = [
        ('centers', '0003_priced_catalogue'),
        ('consultations', '0008_trigram_no_pending_list'),
    ]

    operations = [
        migrations.CreateModel(
            name='RoutedLine',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('lines', models.IntegerField(default=0)),
                ('center', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='centers.center')),
                ('request', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='consultations.consultationrequest')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('center', 'request'), name='consult_routed_line_uniq')],
            },
        ),
        migrations.RunSQL(routing.install() + routing.count_all(), routing.remove()),
    ]
