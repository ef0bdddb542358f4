"""Background tasks (Django's tasks API): thin wrappers taking ids.

Defined beside the domain code that enqueues them; named here too because queued task
rows store this module's path.
"""

from __future__ import annotations

from safepassage.floods.domain.verdicts import settle_flood_group

__all__ = ["settle_flood_group"]
