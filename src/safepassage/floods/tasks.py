"""Background tasks (Django's tasks API): thin wrappers taking ids."""

from __future__ import annotations

from django_tasks import task


@task(queue_name="default")
def settle_flood_group(group_id: int) -> int:
    """Carry out a flood group's verdict over all its members (see
    ``domain.verdicts.settle_group``); returns the members left for a person."""
    from safepassage.floods.domain import settle_group

    return settle_group(group_id)
