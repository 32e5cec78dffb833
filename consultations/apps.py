from django.apps import AppConfig


class ConsultationsConfig(AppConfig):
    name = "consultations"
    verbose_name = "Consultations"

    def ready(self) -> None:
        from . import triage_cache

        triage_cache.connect()
        from . import page_cache

        page_cache.connect()
        from common.lookups import InArray

        from .models import ConsultationRequest

        ConsultationRequest._meta.get_field("project").register_lookup(InArray)  # selectors.researcher_visible
        from django.utils.translation import gettext_lazy as _

        from accounts import roles, work

        work.register(_("My requests"), "consultations:mine", roles=(roles.RESEARCHER,), order=30)
