"""ChannelInstance: one configured bot, WhatsApp number, SMS number or hotline."""

from __future__ import annotations

import hashlib
import secrets

from django.db import models

from safepassage.cases.states import Channel
from safepassage.crypto.fields import SealedField


def new_hook_key() -> str:
    """A random, URL-safe webhook path segment (256 bits): the per-channel unguessable path."""
    return secrets.token_urlsafe(32)


def hook_key_hash(key: str) -> str:
    """SHA-256 hex of a webhook path key: what the database stores and the intake looks up."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


class ChannelInstance(models.Model):
    """A channel configured by an admin.

    Three kinds of secret live here, each stored for the tier that needs it (see
    docs/decisions.md, "Channels"):

    * ``credentials`` — what *sends* (bot token, WhatsApp access token, Twilio API
      credentials): sealed to the programme key, so only console and worker can open it.
    * ``intake_secret`` — what the intake needs *in clear* to check an HMAC signature
      (WhatsApp app secret, Twilio auth token): encrypted under the hook key that the
      intake and console hosts share through the environment.
    * ``verify_hash`` — SHA-256 of a secret the provider echoes verbatim (Telegram's
      ``secret_token``, WhatsApp's verify token): the intake compares hashes and never
      holds the secret itself.
    """

    channel_type = models.CharField(max_length=16)
    name = models.CharField(max_length=80)
    is_active = models.BooleanField(default=True)
    # The webhook path segment, sealed (shown to the admin, used by setWebhook) and as a
    # SHA-256 (what the intake looks up): a database dump alone does not reveal the path.
    hook_key = SealedField(null=True, blank=True)
    hook_key_hash = models.CharField(max_length=64, unique=True)
    credentials = SealedField(null=True, blank=True)
    intake_secret = models.BinaryField(null=True, blank=True)
    verify_hash = models.CharField(max_length=64, blank=True)
    # Non-secret settings: API base URL, public base URL, WhatsApp phone number id and
    # approved templates, the programme's own SMS number, auto-reply switches.
    config = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["channel_type", "name"]

    def __str__(self) -> str:
        return f"{self.channel_type}: {self.name}"

    @property
    def channel(self) -> str:
        """The ``Channel`` value messages through this instance carry."""
        return {
            "telegram": Channel.TELEGRAM,
            "whatsapp": Channel.WHATSAPP,
            "sms": Channel.SMS,
            "hotline": Channel.HOTLINE,
        }.get(self.channel_type, self.channel_type)

    def setting(self, name: str, default: str = "") -> str:
        """A string from ``config`` (``default`` when missing or not a string)."""
        value = self.config.get(name, default)
        return value if isinstance(value, str) else default
