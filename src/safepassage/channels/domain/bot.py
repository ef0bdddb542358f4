"""The bot's side of the conversation: greeting, language choice, safety, acknowledgement.

Every text is a fixed catalogue string (``channels/locale``) rendered in the chat's
language; none of them includes anything the person sent, so the bot never echoes a
name, a number or a message back into a chat that someone else may be reading.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from safepassage.campaigns.domain.attribution import attribute
from safepassage.campaigns.models import CODE_PATTERN, AttributionVia, Campaign, normalise_code
from safepassage.cases.domain.contacts import set_contact_language
from safepassage.cases.domain.followups import current_case
from safepassage.cases.domain.messages import add_automatic_message
from safepassage.cases.models import Case, Contact
from safepassage.channels.base import BotCommand, ChoiceMade
from safepassage.channels.domain.identity import bot_languages, get_session, supported_language
from safepassage.channels.domain.outbound import create_delivery
from safepassage.channels.models import ChannelInstance, ChatSession, OutboundDelivery
from safepassage.channels.registry import get_type
from safepassage.crypto.runtime import get_keyring
from safepassage.crypto.sealing import seal

LANGUAGE_NAMES = {"ru": "Русский", "ko": "한국어", "uk": "Українська", "en": "English"}
LANGUAGE_CHOICE_PREFIX = "lang:"


def _text(key: str) -> str:
    # Kept as a function of keys so every string is a literal gettext call (makemessages).
    texts = {
        "greeting": _(
            "Hello. You have reached a confidential line for people who want to stay alive. "
            "An operator who speaks your language will answer in this chat, usually within "
            "a few hours. Write in your own words; you do not have to give your name."
        ),
        "safety": _(
            "Keep yourself safe:\n"
            "• If your phone may be checked, delete this chat after each conversation and "
            "turn off message previews on the lock screen.\n"
            "• Do not send photos of documents or faces unless an operator asks for them.\n"
            "• Do not tell anyone around you that you are writing here.\n"
            "• We will never ask you for money or passwords."
        ),
        "acknowledged": _(
            "Your message has reached us. An operator will answer in this chat. If anything "
            "changes, write again; short messages are fine."
        ),
        "choose_language": _("Choose your language:"),
        "language_set": _(
            "From now on I will write in English. You can change the language at any time "
            "with /language."
        ),
        "help": _(
            "Just write your message here and an operator will answer.\n"
            "/language: change the language\n"
            "/safety: how to stay safe while writing to us"
        ),
    }
    return texts[key]


def bot_text(key: str, language: str) -> str:
    """A bot text in ``language`` (one of the public languages)."""
    with translation.override(language or "ru"):
        return _text(key)


def language_keyboard() -> dict[str, Any]:
    """A Telegram inline keyboard with one button per language, in its own name."""
    buttons = [
        {"text": LANGUAGE_NAMES.get(code, code), "callback_data": LANGUAGE_CHOICE_PREFIX + code}
        for code in bot_languages()
    ]
    return {"inline_keyboard": [buttons[:2], buttons[2:]]}


def _key(instance: ChannelInstance, trigger: str, part: str) -> str:
    # Deterministic per triggering update: a provider retry finds the delivery already
    # queued and does not greet twice.
    raw = f"{instance.pk}:{trigger}:{part}".encode()
    return "b" + hashlib.sha256(raw).hexdigest()[:31]


def say(
    instance: ChannelInstance,
    session: ChatSession,
    key: str,
    *,
    trigger: str,
    options: dict[str, Any] | None = None,
    case: Case | None = None,
    contact: Contact | None = None,
    known_new: bool = False,
) -> None:
    """Queue one bot text for this chat (once per triggering update).

    With ``case``, the text is also stored as an outbound message on the case so the
    operator sees what the bot said.  ``known_new`` skips the duplicate check when the
    caller already knows the trigger is new.
    """
    send_key = _key(instance, trigger, key)
    if not known_new and OutboundDelivery.objects.filter(send_key=send_key).exists():
        return
    text = bot_text(key, session.language)
    public = get_keyring().public
    message = None
    if case is not None and contact is not None:
        message = add_automatic_message(
            case, contact, body=seal(text, to=public), language=session.language
        )
    create_delivery(
        instance=instance,
        recipient=session.identity,
        message=message,
        body=None if message is not None else seal(text, to=public),
        options=options,
        send_key=send_key,
    )


def _set_language(session: ChatSession, code: str) -> None:
    session.language = code
    session.language_chosen = True
    session.save(update_fields=["language", "language_chosen"])
    if session.contact_id is not None:
        set_contact_language(session.contact_id, code)


def _attribute_campaign(session: ChatSession, argument: str) -> None:
    """``/start CODE``: attribute the chat's case, or remember the campaign until the
    first message opens one (unknown codes are then dropped without a trace)."""
    if session.contact_id is not None:
        contact = Contact.objects.select_related("case").get(pk=session.contact_id)
        attribute(current_case(contact.case), argument, via=AttributionVia.TELEGRAM_START)
        return
    code = normalise_code(argument)
    if not CODE_PATTERN.match(code) or session.campaign_id is not None:
        return
    campaign = Campaign.objects.filter(code=code).first()
    if campaign is not None:
        session.campaign = campaign
        session.save(update_fields=["campaign"])


def handle_command(instance: ChannelInstance, event: BotCommand) -> None:
    """``/start [CODE]``, ``/language [code]``, ``/help``, ``/safety``."""
    session = get_session(instance, event.identity, hint=event.language_hint)
    trigger = event.provider_id
    keyboard = get_type(instance.channel_type)
    with_keyboard = keyboard is not None and keyboard.supports_keyboard
    if event.command == "start":
        if event.argument:
            _attribute_campaign(session, event.argument)
        say(instance, session, "greeting", trigger=trigger)
        say(instance, session, "safety", trigger=trigger)
        if with_keyboard and not session.language_chosen:
            say(
                instance,
                session,
                "choose_language",
                trigger=trigger,
                options={"reply_markup": language_keyboard()},
            )
    elif event.command == "language":
        chosen = supported_language(event.argument)
        if chosen:
            _set_language(session, chosen)
            say(instance, session, "language_set", trigger=trigger)
        else:
            options = {"reply_markup": language_keyboard()} if with_keyboard else None
            say(instance, session, "choose_language", trigger=trigger, options=options)
    elif event.command == "safety":
        say(instance, session, "safety", trigger=trigger)
    else:
        say(instance, session, "help", trigger=trigger)


def handle_choice(instance: ChannelInstance, event: ChoiceMade) -> None:
    """A tap on a language button."""
    session = get_session(instance, event.identity, hint=event.language_hint)
    data = event.data
    chosen = (
        supported_language(data[len(LANGUAGE_CHOICE_PREFIX) :])
        if data.startswith(LANGUAGE_CHOICE_PREFIX)
        else ""
    )
    if not chosen:
        return
    _set_language(session, chosen)
    say(
        instance,
        session,
        "language_set",
        trigger=f"cb:{event.choice_id}",
        options={"callback_query_id": event.choice_id},
    )
