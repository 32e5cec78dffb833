from django.apps import AppConfig


class CohortsConfig(AppConfig):
    name = "cohorts"
    verbose_name = "Biobank cohorts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import views
        from .access import connect

        connect()
        views.connect()
