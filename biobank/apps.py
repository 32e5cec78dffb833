from django.apps import AppConfig


class BiobankConfig(AppConfig):
    name = "biobank"
    verbose_name = "Biobank"
