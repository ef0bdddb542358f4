from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "safepassage.cases"
    label = "cases"
    verbose_name = "Cases"
