from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "safepassage.api"
    label = "api"
    verbose_name = "Partner API"
