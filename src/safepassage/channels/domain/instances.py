"""Configuring channel instances (the admin's channel page and the setWebhook command)."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from safepassage.audit.chain import record_event
from safepassage.channels.hookkey import encrypt_intake_secret, secret_hash
from safepassage.channels.hooks import forget_hooks
from safepassage.channels.models import ChannelInstance, hook_key_hash, new_hook_key
from safepassage.channels.registry import get_type
from safepassage.channels.telegram import api
from safepassage.crypto.runtime import get_keyring, get_public_keyring
from safepassage.crypto.sealing import open_text, seal

if TYPE_CHECKING:
    from safepassage.accounts.models import Account


class ChannelConfigError(ValueError):
    """A channel configuration was refused; ``str(error)`` is safe to show an admin."""


@dataclass(frozen=True)
class OneTimeSecrets:
    """Secrets shown to the admin once (to paste into the provider's dashboard)."""

    verify_token: str = ""


def _check_url(value: str, label: str) -> str:
    value = value.strip().rstrip("/")
    if value and not value.startswith(("https://", "http://")):
        raise ChannelConfigError(_("%(field)s must start with https://") % {"field": label})
    return value


def _clean_config(channel_type: str, config: dict[str, Any]) -> dict[str, Any]:
    kind = get_type(channel_type)
    if kind is None:
        raise ChannelConfigError(_("Unknown channel type."))
    cleaned: dict[str, Any] = {}
    for setting in kind.config_fields:
        value = str(config.get(setting.name, "") or "").strip()
        if setting.name.endswith("_url"):
            value = _check_url(value, str(setting.label))
        if setting.required and not value:
            raise ChannelConfigError(_("%(field)s is required.") % {"field": setting.label})
        if value:
            cleaned[setting.name] = value
    for flag in ("auto_reply",):
        if flag in config:
            cleaned[flag] = bool(config[flag])
    if config.get("default_language"):
        cleaned["default_language"] = str(config["default_language"])[:8]
    return cleaned


def create_channel_instance(
    *,
    by: Account | None,
    channel_type: str,
    name: str,
    credentials: dict[str, str] | None = None,
    intake_secret: str = "",
    config: dict[str, Any] | None = None,
) -> tuple[ChannelInstance, OneTimeSecrets]:
    """Create a channel with a fresh unguessable webhook path.

    Sending credentials are sealed to the programme; the intake secret (WhatsApp app
    secret, Twilio auth token) is encrypted under the hook key.  A WhatsApp channel
    gets a random verify token, returned once to be pasted into Meta's dashboard and
    stored only as a hash.  Side effect: one ``channel.created`` audit event.
    """
    kind = get_type(channel_type)
    if kind is None:
        raise ChannelConfigError(_("Unknown channel type."))
    name = name.strip()[:80]
    if not name:
        raise ChannelConfigError(_("Give the channel a name."))
    cleaned = _clean_config(channel_type, config or {})
    creds = {k: v.strip() for k, v in (credentials or {}).items() if v and v.strip()}
    for setting in kind.credential_fields:
        if setting.required and not creds.get(setting.name):
            raise ChannelConfigError(_("%(field)s is required.") % {"field": setting.label})
    if kind.intake_secret_field is not None and not intake_secret.strip():
        raise ChannelConfigError(
            _("%(field)s is required.") % {"field": kind.intake_secret_field.label}
        )
    key = new_hook_key()
    one_time = OneTimeSecrets()
    verify_hash = ""
    if channel_type == "whatsapp":
        token = secrets.token_urlsafe(32)
        one_time = OneTimeSecrets(verify_token=token)
        verify_hash = secret_hash(token)
    public = get_public_keyring()
    with transaction.atomic():
        instance = ChannelInstance.objects.create(
            channel_type=channel_type,
            name=name,
            hook_key=seal(key, to=public),
            hook_key_hash=hook_key_hash(key),
            credentials=seal(json.dumps(creds), to=public) if creds else None,
            intake_secret=encrypt_intake_secret(intake_secret.strip())
            if intake_secret.strip()
            else None,
            verify_hash=verify_hash,
            config=cleaned,
        )
        record_event(
            "channel.created",
            actor=by,
            object_type="channel",
            object_ref=str(instance.pk),
            detail={"type": channel_type},
        )
    forget_hooks()
    return instance, one_time


def update_channel_instance(
    instance: ChannelInstance,
    *,
    by: Account | None,
    name: str,
    is_active: bool,
    credentials: dict[str, str] | None = None,
    intake_secret: str = "",
    config: dict[str, Any] | None = None,
) -> ChannelInstance:
    """Change a channel.  Blank secret fields keep the stored value (they are never
    shown back).  Side effect: one ``channel.updated`` audit event naming which parts
    changed, never their values."""
    changed = []
    name = name.strip()[:80]
    if not name:
        raise ChannelConfigError(_("Give the channel a name."))
    cleaned = _clean_config(instance.channel_type, config or {})
    new_creds = {k: v.strip() for k, v in (credentials or {}).items() if v and v.strip()}
    with transaction.atomic():
        if new_creds:
            current: dict[str, str] = {}
            if instance.credentials is not None:
                current = json.loads(open_text(instance.credentials, get_keyring()))
            current.update(new_creds)
            instance.credentials = seal(json.dumps(current), to=get_public_keyring())
            changed.append("credentials")
        if intake_secret.strip():
            instance.intake_secret = encrypt_intake_secret(intake_secret.strip())
            changed.append("intake_secret")
        if cleaned != instance.config:
            changed.append("config")
        if name != instance.name:
            changed.append("name")
        if is_active != instance.is_active:
            changed.append("active" if is_active else "inactive")
        instance.name = name
        instance.is_active = is_active
        instance.config = cleaned
        instance.save()
        record_event(
            "channel.updated",
            actor=by,
            object_type="channel",
            object_ref=str(instance.pk),
            detail={"changed": changed},
        )
    forget_hooks()
    return instance


def rotate_verify_token(instance: ChannelInstance, *, by: Account | None) -> str:
    """A new WhatsApp verify token (returned once, stored as a hash).  Audited."""
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        ChannelInstance.objects.filter(pk=instance.pk).update(verify_hash=secret_hash(token))
        record_event(
            "channel.verify_token_rotated",
            actor=by,
            object_type="channel",
            object_ref=str(instance.pk),
        )
    forget_hooks()
    return token


def webhook_path(instance: ChannelInstance) -> str:
    """The channel's webhook path (``/hooks/<type>/<key>/``); needs the secret key."""
    if instance.hook_key is None:
        return ""
    key = open_text(instance.hook_key, get_keyring())
    return f"/hooks/{instance.channel_type}/{key}/"


def set_telegram_webhook(
    instance: ChannelInstance, *, by: Account | None = None, base_url: str = ""
) -> str:
    """Register the webhook with Telegram (``setWebhook``) under a fresh secret token.

    The token is generated here, sent to Telegram, and stored only as a SHA-256; the new
    hash is saved after Telegram accepted it, so a failed call leaves the old one
    working.  Returns the registered URL.  Side effect: one audit event.
    """
    if instance.channel_type != "telegram":
        raise ChannelConfigError(_("Only Telegram channels register a webhook this way."))
    base = _check_url(base_url or instance.setting("public_base_url"), "public_base_url")
    if not base:
        raise ChannelConfigError(_("Set the public base URL of the intake first."))
    creds = (
        json.loads(open_text(instance.credentials, get_keyring())) if instance.credentials else {}
    )
    url = base + webhook_path(instance)
    token = secrets.token_urlsafe(48)
    kind = get_type("telegram")
    assert kind is not None
    api.set_webhook(
        kind.api_base(instance), str(creds.get("bot_token", "")), url=url, secret_token=token
    )
    with transaction.atomic():
        ChannelInstance.objects.filter(pk=instance.pk).update(verify_hash=secret_hash(token))
        record_event(
            "channel.webhook_registered",
            actor=by,
            object_type="channel",
            object_ref=str(instance.pk),
        )
    forget_hooks()
    return url
