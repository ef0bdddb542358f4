from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "safepassage.analytics"
    label = "analytics"
    verbose_name = "Analytics"
