from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "dashboards"
    verbose_name = "Staff dashboards"

    def ready(self) -> None:
        from . import views

        views.connect()
