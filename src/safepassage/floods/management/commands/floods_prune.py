"""``safepassage manage floods_prune``: delete case marks older than every look-back window."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from safepassage.floods.conf import flood_settings
from safepassage.floods.domain import prune_marks


class Command(BaseCommand):
    help = "Delete flood-detection marks no look-back window needs any more."

    def handle(self, *args: Any, **options: Any) -> None:  # noqa: ARG002 (Django's signature)
        deleted = prune_marks(older_than=timezone.now() - flood_settings().mark_lifetime)
        self.stdout.write(f"Deleted {deleted} marks.")
