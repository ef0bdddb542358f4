"""Background tasks (django-tasks, database backend): thin wrappers taking ids.

Each is defined beside the domain code that enqueues it (so neither imports the other
lazily); they are named here too because queued task rows store this module's path.
"""

from __future__ import annotations

from safepassage.channels.domain.media import fetch_media
from safepassage.channels.domain.outbound import send_delivery

__all__ = ["fetch_media", "send_delivery"]
