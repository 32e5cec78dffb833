from django.apps import AppConfig


class BiobankConfig(AppConfig):
    name = "biobank"
    verbose_name = "Biobank"

    def ready(self) -> None:
        from . import page_cache

        page_cache.connect()
        from django.utils.translation import gettext_lazy as _

        from accounts import roles, work

        work.register(_("My biobank requests"), "biobank:my_requests", roles=(roles.RESEARCHER,), order=31)
