from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    name = "safepassage.console"
    label = "console"
    verbose_name = "Console"
