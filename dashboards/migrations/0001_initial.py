"""The dashboard's figures kept on write: their tables, the triggers that keep them, and a first count."""

import django.db.models.deletion
from django.db import migrations, models

from dashboards import rollups


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('centers', '0003_priced_catalogue'),
        ('studies', '0008_study_alert_history'),
        ('consultations', '0008_trigram_no_pending_list'),
    ]

    operations = [
        migrations.CreateModel(
            name='CentreTotals',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('requests', models.IntegerField(default=0)),
                ('open_requests', models.IntegerField(default=0)),
                ('hours_used', models.DecimalField(decimal_places=2, default=0, max_digits=14)),
                ('hours_allotted', models.DecimalField(decimal_places=2, default=0, max_digits=14)),
                ('over_allotment', models.IntegerField(default=0)),
                ('center', models.OneToOneField(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='centers.center')),
            ],
        ),
        migrations.CreateModel(
            name='InterestMonth',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('month', models.DateField()),
                ('interests', models.IntegerField(default=0)),
                ('center', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='centers.center')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('center', 'month'), name='dash_interest_month_uniq')],
            },
        ),
        migrations.CreateModel(
            name='OpenRequestDay',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('day', models.DateField()),
                ('requests', models.IntegerField(default=0)),
                ('center', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='centers.center')),
            ],
            options={
                'indexes': [models.Index(fields=['day'], name='dash_open_day_idx')],
                'constraints': [models.UniqueConstraint(fields=('center', 'day'), name='dash_open_day_uniq')],
            },
        ),
        migrations.CreateModel(
            name='RequestMonth',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('month', models.DateField()),
                ('requests', models.IntegerField(default=0)),
                ('center', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='centers.center')),
                ('service', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='centers.service')),
            ],
            options={
                'indexes': [models.Index(fields=['month'], name='dash_request_month_idx')],
                'constraints': [models.UniqueConstraint(fields=('center', 'service', 'month'), name='dash_request_month_uniq')],
            },
        ),
        migrations.CreateModel(
            name='StudyFunnel',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('inquiries', models.IntegerField(default=0)),
                ('contacted', models.IntegerField(default=0)),
                ('eligible', models.IntegerField(default=0)),
                ('consented', models.IntegerField(default=0)),
                ('enrolled', models.IntegerField(default=0)),
                ('study', models.OneToOneField(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='studies.study')),
            ],
            options={
                'indexes': [models.Index(fields=['-inquiries', 'study'], name='dash_funnel_top_idx')],
            },
        ),
        migrations.CreateModel(
            name='Turnaround',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('t', 'Submission to triage'), ('c', 'Submission to completion')], max_length=1)),
                ('tenths', models.IntegerField()),
                ('requests', models.IntegerField(default=0)),
                ('center', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='centers.center')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('center', 'kind', 'tenths'), name='dash_turnaround_uniq')],
            },
        ),
        # The triggers are installed before the count, in one transaction: no write falls between.
        migrations.RunSQL(rollups.install() + rollups.count_all(), rollups.remove()),
    ]
