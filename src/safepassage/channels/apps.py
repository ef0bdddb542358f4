from django.apps import AppConfig


class ChannelsConfig(AppConfig):
    name = "safepassage.channels"
    label = "channels"
    verbose_name = "Channels"

    def ready(self) -> None:
        """Send the replies the case domain stores for messenger contacts."""
        from safepassage.cases.events import ReplyQueued
        from safepassage.channels.domain.outbound import on_reply_queued
        from safepassage.events import subscribe

        subscribe(ReplyQueued, on_reply_queued)
