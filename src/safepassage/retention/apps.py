"""Django app for retention; connects the receiver that seals case values under case keys."""

from django.apps import AppConfig
from django.db.models.signals import pre_save


class RetentionConfig(AppConfig):
    """Registers ``safepassage.retention``."""

    name = "safepassage.retention"
    label = "retention"
    verbose_name = "Retention"

    def ready(self) -> None:
        """Seal every case-owned value under its case key when it is saved."""
        from safepassage.retention.conversion import seal_under_case_key
        from safepassage.retention.registry import OWNED

        for entry in OWNED:
            pre_save.connect(
                seal_under_case_key,
                sender=entry.model,
                dispatch_uid=f"retention.case_key.{entry.model._meta.label}",
            )
