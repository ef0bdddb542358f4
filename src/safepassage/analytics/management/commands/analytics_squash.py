"""``safepassage manage analytics_squash``: fold counter rows (safe to run any time)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from safepassage.analytics.counters import squash_counters


class Command(BaseCommand):
    help = "Fold the analytics counters' new rows into one row per key."

    def handle(self, *args: Any, **options: Any) -> None:  # noqa: ARG002 (Django's signature)
        folded = 0
        while True:
            batch = squash_counters()
            folded += batch
            if not batch:
                break
        self.stdout.write(f"Folded {folded} counter rows.")
