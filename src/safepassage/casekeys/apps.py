"""Django app for the case key table; installs the crypto layer's case key resolver."""

from django.apps import AppConfig


class CaseKeysConfig(AppConfig):
    """Registers ``safepassage.casekeys`` (table ``crypto_casekey``)."""

    name = "safepassage.casekeys"
    label = "casekeys"
    verbose_name = "Case keys"

    def ready(self) -> None:
        """Let sealed SP2 values find their case key in this app's table."""
        from safepassage.casekeys.keys import install_resolver

        install_resolver()
