from django.apps import AppConfig


class ApiClientsConfig(AppConfig):
    name = "safepassage.apiclients"
    label = "apiclients"
    verbose_name = "API clients"
