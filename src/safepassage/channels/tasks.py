"""Background tasks (django-tasks, database backend): thin wrappers taking ids."""

from __future__ import annotations

from django_tasks import task


@task(queue_name="outbound")
def send_delivery(delivery_id: int) -> str:
    """One sending attempt for an outbound delivery (see ``domain.outbound.deliver``)."""
    from safepassage.channels.domain.outbound import deliver

    return deliver(delivery_id)


@task(queue_name="default")
def fetch_media(media_id: int) -> str:
    """Download, seal and store one media file (see ``domain.media.fetch``)."""
    from safepassage.channels.domain.media import fetch

    return fetch(media_id)
