from django.apps import AppConfig


class ChannelsConfig(AppConfig):
    name = "safepassage.channels"
    label = "channels"
    verbose_name = "Channels"
