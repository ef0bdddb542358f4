"""Django app for the shift rota."""

from django.apps import AppConfig


class RotaConfig(AppConfig):
    """Registers ``safepassage.rota``."""

    name = "safepassage.rota"
    label = "rota"
    verbose_name = "Rota"
