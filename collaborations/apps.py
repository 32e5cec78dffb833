from django.apps import AppConfig


class CollaborationsConfig(AppConfig):
    name = "collaborations"

    def ready(self) -> None:
        from . import page_cache

        page_cache.connect()
        from django.utils.translation import gettext_lazy as _

        from accounts import roles, work

        work.register(_("My partnership inquiries"), "collaborations:mine", roles=(roles.COLLABORATOR,), order=40)
