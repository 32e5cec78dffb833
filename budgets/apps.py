from django.apps import AppConfig


class BudgetsConfig(AppConfig):
    name = "budgets"
    verbose_name = "Study budgets"

    def ready(self):
        from . import page_cache

        page_cache.connect()
