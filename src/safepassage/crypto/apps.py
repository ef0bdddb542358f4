"""Django app configuration for the crypto package (model fields live here)."""

from django.apps import AppConfig


class CryptoConfig(AppConfig):
    """Registers ``safepassage.crypto``; it has no models, only fields and key handling."""

    name = "safepassage.crypto"
    label = "crypto"
    verbose_name = "Cryptography"
