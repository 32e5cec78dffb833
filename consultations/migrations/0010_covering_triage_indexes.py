"""The triage list's indexes carry what its visibility reads (centre, assignee): its counts are index-only scans."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('centers', '0003_priced_catalogue'),
        ('consultations', '0009_routed_lines'),
        ('projects', '0001_projects_and_teams'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='consultationrequest',
            name='consult_submitted_idx',
        ),
        migrations.RemoveIndex(
            model_name='consultationrequest',
            name='consult_center_status_idx',
        ),
        migrations.AddIndex(
            model_name='consultationrequest',
            index=models.Index(fields=['-submitted_at', '-id'], include=('center', 'assignee'), name='consult_submitted_idx'),
        ),
        migrations.AddIndex(
            model_name='consultationrequest',
            index=models.Index(fields=['center', 'status', '-submitted_at'], include=('assignee', 'id'), name='consult_center_status_idx'),
        ),
    ]
