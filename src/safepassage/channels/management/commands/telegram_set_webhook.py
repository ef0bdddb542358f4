"""``safepassage manage telegram_set_webhook <channel>``: register a bot's webhook."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safepassage.channels.domain.instances import ChannelConfigError, set_telegram_webhook
from safepassage.channels.http import ProviderError
from safepassage.channels.models import ChannelInstance


class Command(BaseCommand):
    help = (
        "Call Telegram's setWebhook for a Telegram channel (by id or name) with a fresh "
        "secret token and the update types SafePassage handles."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("channel", help="channel id or name")
        parser.add_argument(
            "--base-url", default="", help="public base URL (default: the channel's setting)"
        )

    def handle(self, *_args: Any, **options: Any) -> None:
        ref = str(options["channel"])
        qs = ChannelInstance.objects.filter(channel_type="telegram")
        instance = qs.filter(pk=int(ref)).first() if ref.isdigit() else qs.filter(name=ref).first()
        if instance is None:
            raise CommandError("no Telegram channel with that id or name")
        try:
            url = set_telegram_webhook(instance, base_url=str(options["base_url"]))
        except ChannelConfigError as error:
            raise CommandError(str(error)) from None
        except ProviderError as error:
            raise CommandError(f"Telegram refused setWebhook: {error.code}") from None
        # The URL's path is the unguessable key: print only its host part.
        host = url.split("/hooks/", 1)[0]
        self.stdout.write(
            f"webhook registered for channel {instance.pk} at {host}/hooks/telegram/…"
        )
