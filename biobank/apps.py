from django.apps import AppConfig


class BiobankConfig(AppConfig):
    name = "biobank"
