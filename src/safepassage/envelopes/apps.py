from django.apps import AppConfig


class EnvelopesConfig(AppConfig):
    name = "safepassage.envelopes"
    label = "envelopes"
    verbose_name = "Inbound envelopes"
