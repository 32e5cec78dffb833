from django.apps import AppConfig


class StudiesConfig(AppConfig):
    name = "studies"
    verbose_name = "Studies, inquiries and TRC beds"

    def ready(self) -> None:
        from . import signals

        signals.connect()
        from . import person_pages

        person_pages.connect()
        from . import follow

        follow.connect()
