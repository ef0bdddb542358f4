"""Channel identities: blind indexes, chat sessions, contacts and their cases."""

from __future__ import annotations

import re

from django.conf import settings

from safepassage.campaigns.domain.attribution import attribute
from safepassage.campaigns.models import AttributionVia, Campaign
from safepassage.cases.domain import open_case
from safepassage.cases.domain.contacts import (
    add_contact,
    same_number_contact,
    set_contact_language,
)
from safepassage.cases.domain.flags import flag_shared_contact
from safepassage.cases.domain.followups import current_case, reopen_or_renew
from safepassage.cases.models import Case, Contact
from safepassage.cases.models.contact import Relation
from safepassage.cases.states import CaseState, Channel
from safepassage.channels.models import ChannelInstance, ChatSession
from safepassage.crypto.blind_index import blind_index, normalise_phone
from safepassage.crypto.runtime import get_keyring
from safepassage.crypto.sealing import seal
from safepassage.db.prepared import PreparedQuery

DEFAULT_BOT_LANGUAGE = "ru"
_WORD = re.compile(r"\b[A-Za-z0-9]{3,12}\b", re.ASCII)
_SESSION_COLUMNS = (
    *(f.name for f in ChatSession._meta.concrete_fields),
    *(f"contact__{name}" for name in ("id", "case_id", "channel", "language", "relation")),
    *(
        f"contact__case__{name}"
        for name in (
            "id",
            "reference",
            "state",
            "close_reason",
            "language",
            "inquiry_type",
            "merged_into_id",
            "campaign_id",
            "risk_flags",
            "version",
        )
    ),
)


# Compiled once: this lookup runs for every message the worker opens.
_SESSION_LOOKUP: PreparedQuery[ChatSession] = PreparedQuery(
    lambda instance_id, index: (
        ChatSession.objects.select_related("contact__case")
        .only(*_SESSION_COLUMNS)
        .filter(instance_id=instance_id, identity_index=index)
        .order_by()[:1]
    ),
    instance_id="int",
    index="hex64",
)


def bot_languages() -> list[str]:
    """Language codes the bot speaks (the public languages)."""
    return [code for code, _ in settings.PUBLIC_LANGUAGES]


def supported_language(code: str) -> str:
    """``ru-RU`` → ``ru``; ``""`` when the bot does not speak it."""
    base = code.strip().lower().replace("_", "-").split("-", 1)[0]
    return base if base in bot_languages() else ""


def adopt_language(session: ChatSession, code: str) -> None:
    """Speak ``code`` in this chat from now on (the person wrote in it); unlike a choice
    by button, a later message in another language may change it again."""
    if session.language != code:
        ChatSession.objects.filter(pk=session.pk).update(language=code)
        session.language = code
        if session.contact_id is not None:
            set_contact_language(session.contact_id, code)


def identity_index(instance: ChannelInstance, identity: str) -> str:
    """The blind index a contact of this channel is found by.

    Phone-based channels index the normalised number (``+`` and digits; WhatsApp sends
    digits without ``+``), so one number links across WhatsApp, SMS and the hotline.
    """
    keyring = get_keyring()
    if instance.channel_type == "telegram":
        return blind_index(keyring, "telegram_chat", identity)
    return blind_index(keyring, "phone", phone_identity(identity))


def phone_identity(value: str) -> str:
    """A phone number in ``+digits`` form (WhatsApp ids are digits only)."""
    digits = normalise_phone(value)
    return digits if digits.startswith("+") or not digits else "+" + digits


def get_session(instance: ChannelInstance, identity: str, *, hint: str = "") -> ChatSession:
    """The chat session for ``identity`` on ``instance``, created on first contact.

    A new session speaks the language of the person's app when the bot speaks it,
    else the instance's default language.
    """
    index = identity_index(instance, identity)
    # One query for session, contact and case, with only the columns the worker reads
    # (the case's sealed identity fields stay in the database).
    session = _SESSION_LOOKUP.first(instance_id=instance.pk, index=index)
    if session is not None:
        if not session.language_chosen and not session.language and supported_language(hint):
            session.language = supported_language(hint)
            session.save(update_fields=["language"])
        return session
    language = (
        supported_language(hint)
        or supported_language(instance.setting("default_language"))
        or DEFAULT_BOT_LANGUAGE
    )
    return ChatSession.objects.create(
        instance=instance,
        identity=seal(identity, to=get_keyring().public),
        identity_index=index,
        language=language,
    )


def attribute_start_code(case: Case, session: ChatSession) -> None:
    """Attribute a case to the campaign its chat's ``/start CODE`` named (through the
    campaigns domain, which keeps the first campaign, counts and audits)."""
    campaign = session.campaign
    if campaign is not None:
        attribute(case, campaign.code, via=AttributionVia.TELEGRAM_START)


def attribute_typed_code(case: Case, text: str) -> None:
    """A campaign code typed in a first message ("KURSK24"): attributed only when it
    names a real campaign, so ordinary words are never recorded."""
    candidates = {
        word.upper()
        for word in _WORD.findall(text)
        if any(ch.isdigit() for ch in word) and any(ch.isalpha() for ch in word)
    }
    if not candidates:
        return
    code = (
        Campaign.objects.filter(code__in=sorted(candidates)).values_list("code", flat=True).first()
    )
    if code is not None:
        attribute(case, code, via=AttributionVia.MESSAGE_CODE)


def flag_known_handle(case: Case, handle: str) -> None:
    """A new Telegram chat whose username a web applicant gave as a way to reach them:
    flag both cases (the same person writing twice, or someone planting a name) and let
    operators decide; the username itself is only hashed for the lookup, never stored."""
    if not handle:
        return
    try:
        index = blind_index(get_keyring(), "telegram_handle", handle)
    except ValueError:
        return
    known = Contact.objects.filter(channel=Channel.TELEGRAM, identity_index=index).first()
    if known is None:
        return
    other = current_case(known.case)
    if other.pk != case.pk:
        flag_shared_contact(case, other)


def contact_and_case(
    instance: ChannelInstance, session: ChatSession, *, identity: str, language: str
) -> tuple[Contact, Case, bool]:
    """The contact behind ``session`` and the case its new message belongs to.

    A known contact's case is followed through merges and reopened or renewed as the
    state machine says (``cases.domain.followups.reopen_or_renew``).  An unknown one gets a new case
    in the detected language, attributed to the campaign the session remembers.
    Returns ``(contact, case, case_is_new)``.
    """
    contact = session.contact
    if contact is None:
        contact = Contact.objects.filter(
            channel=instance.channel, identity_index=session.identity_index
        ).first()
    if contact is not None:
        previous = current_case(contact.case)
        case = reopen_or_renew(previous, contact)
        if session.contact_id != contact.pk:
            ChatSession.objects.filter(pk=session.pk).update(contact=contact)
            session.contact = contact
        if case.campaign_id is None and session.campaign_id is not None:
            attribute_start_code(case, session)
        return contact, case, case.pk != previous.pk
    sibling = same_number_contact(session.identity_index or "", channel=instance.channel)
    known = current_case(sibling.case) if sibling is not None else None
    if known is not None and known.state != CaseState.CLOSED:
        # The same number already reaches an open case (an SMS, a hotline call): this
        # chat joins it instead of opening a silent duplicate.
        contact = add_contact(
            known,
            channel=instance.channel,
            relation=sibling.relation if sibling is not None else Relation.UNKNOWN,
            identity=identity,
            identity_index=session.identity_index,
            language=session.language,
        )
        ChatSession.objects.filter(pk=session.pk).update(contact=contact)
        session.contact = contact
        return contact, known, False
    case = open_case(channel=instance.channel, language=language)
    if known is not None:
        # Same number, but its case is closed: a new case, with a same-person suggestion
        # on both for operators to decide (merge, or not).
        flag_shared_contact(case, known)
    if session.campaign_id is not None:
        attribute_start_code(case, session)
    contact = add_contact(
        case,
        channel=instance.channel,
        relation=Relation.UNKNOWN,
        identity=identity,
        identity_index=session.identity_index,
        language=session.language,
    )
    ChatSession.objects.filter(pk=session.pk).update(contact=contact)
    session.contact = contact
    return contact, case, True
