from django.apps import AppConfig


class EhrConfig(AppConfig):
    name = "ehr"
    verbose_name = "Health record (EHR extracts)"
    default_auto_field = "django.db.models.BigAutoField"
