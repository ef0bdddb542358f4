from django.apps import AppConfig


class RegisterConfig(AppConfig):
    name = "safepassage.register"
    label = "register"
    verbose_name = "Captured-person register"
