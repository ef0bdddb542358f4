from django.apps import AppConfig


class FloodsConfig(AppConfig):
    name = "safepassage.floods"
    label = "floods"
    verbose_name = "Floods"
