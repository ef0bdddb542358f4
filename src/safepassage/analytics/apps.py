from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "safepassage.analytics"
    label = "analytics"
    verbose_name = "Analytics"

    def ready(self) -> None:
        """Count what cases and campaigns announce (``analytics.subscriptions``)."""
        from safepassage.analytics.subscriptions import connect

        connect()
