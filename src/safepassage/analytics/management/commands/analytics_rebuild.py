"""``safepassage manage analytics_rebuild``: recompute the counters from cases and audit."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from safepassage.analytics.rebuild import rebuild_counters


class Command(BaseCommand):
    help = (
        "Drop and recompute the analytics counters from cases and the audit trail. "
        "Run it with the worker stopped."
    )

    def handle(self, *args: Any, **options: Any) -> None:  # noqa: ARG002 (Django's signature)
        started = time.monotonic()
        report = rebuild_counters()
        self.stdout.write(
            f"Counted {report.cases} cases into {report.rows} counter rows "
            f"in {time.monotonic() - started:.1f} s."
        )
