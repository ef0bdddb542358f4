"""Turning website envelopes into cases, contacts and messages.

Envelope bodies written by the intake (schema version 1):

* ``web_submission``: ``receipt`` (20 digits, or 16 if older), ``language``, ``message``,
  and optional ``inquiry_type``, ``name``, ``rank``, ``unit``, ``service_number``,
  ``date_of_birth``, ``area``, ``group_size``, ``reach_back`` ({telegram, whatsapp,
  phone}), ``campaign`` (code).
* ``web_followup``: ``lookup_hash``, ``language``, ``message``.

The receipt's Argon2id derivation happens here, not on the public request path, and in
the preparer, not the handler: it runs before the worker's write transaction, holding no
lock.  The preparer drops the receipt from the data at once (the handler only ever sees
the derived keys), and the envelope's body is cleared when it is processed.
"""

from __future__ import annotations

from typing import Any, cast

from nacl.public import PublicKey

from safepassage.campaigns.domain import attribute
from safepassage.campaigns.models import AttributionVia
from safepassage.cases.domain import add_inbound_message, open_case
from safepassage.cases.domain.contacts import add_contact
from safepassage.cases.domain.flags import flag_case, flag_shared_contact
from safepassage.cases.domain.followups import current_case, reopen_or_renew
from safepassage.cases.domain.identity import IDENTITY_FIELDS, store_applicant_identity
from safepassage.cases.models import Case, Contact
from safepassage.cases.models.contact import Relation
from safepassage.cases.states import Channel, InquiryType
from safepassage.crypto.blind_index import blind_index, normalise_phone
from safepassage.crypto.errors import MalformedReceipt
from safepassage.crypto.receipts import ReceiptKeys, derive_receipt_keys, parse_receipt
from safepassage.crypto.runtime import get_keyring
from safepassage.crypto.sealing import seal
from safepassage.envelopes.models import EnvelopeKind, InboundEnvelope
from safepassage.floods.domain import note_new_case
from safepassage.worker.handlers import EnvelopeRejected, handles, prepares
from safepassage.worker.language import detect_language

REACH_BACK_CHANNELS = {
    "telegram": Channel.TELEGRAM,
    "whatsapp": Channel.WHATSAPP,
    "phone": Channel.SMS,
}


def _text(data: dict[str, Any], key: str) -> str:
    value = data.get(key, "")
    return value.strip() if isinstance(value, str) else ""


def _page_language(data: dict[str, Any]) -> str:
    language = _text(data, "language")
    return language if language in {"ru", "ko", "uk", "en"} else "ru"


def _store_reach_back(case: Case, data: dict[str, Any], relation: str, language: str) -> None:
    reach_back = data.get("reach_back")
    if not isinstance(reach_back, dict):
        return
    keyring = get_keyring()
    for key, channel in REACH_BACK_CHANNELS.items():
        raw = reach_back.get(key)
        if not isinstance(raw, str) or not raw.strip():
            continue
        value = raw.strip()[:100]
        kind = "telegram_handle" if key == "telegram" else "phone"
        normalised = value.lstrip("@") if key == "telegram" else normalise_phone(value)
        if not normalised:
            continue
        try:
            index = blind_index(keyring, kind, normalised)
        except ValueError:
            continue  # nothing left to identify them by once normalised
        existing = Contact.objects.filter(channel=channel, identity_index=index).first()
        if existing is not None:
            # The same number or handle already reaches another case: a real person
            # writing twice, or a planted applicant.  Operators decide; we flag both.
            other = current_case(existing.case)
            if other.pk != case.pk:
                flag_shared_contact(case, other)
            continue
        add_contact(
            case,
            channel=channel,
            relation=relation,
            identity=value,
            identity_index=index,
            language=language,
        )


# Keys of prepared data: derived values the handlers use instead of the raw fields.
_KEYS = "_receipt_keys"
_LANGUAGE = "_detected_language"


@prepares(EnvelopeKind.WEB_SUBMISSION)
def prepare_web_submission(data: dict[str, Any]) -> dict[str, Any]:
    """Derive the receipt's keys and detect the language, outside any transaction; the
    returned data no longer holds the receipt."""
    message = _text(data, "message")
    if not message:
        raise EnvelopeRejected("empty message")
    try:
        receipt = parse_receipt(_text(data, "receipt"))
    except MalformedReceipt as error:
        raise EnvelopeRejected("malformed receipt") from error
    prepared = {key: value for key, value in data.items() if key != "receipt"}
    prepared[_KEYS] = derive_receipt_keys(receipt, get_keyring().public)
    prepared[_LANGUAGE] = detect_language(message, fallback=_page_language(data))
    return prepared


@prepares(EnvelopeKind.WEB_FOLLOWUP)
def prepare_web_followup(data: dict[str, Any]) -> dict[str, Any]:
    """Detect the follow-up's language outside any transaction ("" when unsure: the
    handler then falls back to the contact's language)."""
    return {**data, _LANGUAGE: detect_language(_text(data, "message"), fallback="")}


@handles(EnvelopeKind.WEB_SUBMISSION)
def handle_web_submission(envelope: InboundEnvelope, data: dict[str, Any]) -> None:
    """Open a case for a website submission, with its receipt contact and first message.

    ``data`` is what ``prepare_web_submission`` returned (raw data is prepared here)."""
    if _KEYS not in data:
        data = prepare_web_submission(data)
    message = _text(data, "message")
    keys = cast(ReceiptKeys, data[_KEYS])
    keyring = get_keyring()
    # Two applicants drawing the same receipt is astronomically rare, but never drop a
    # message for it: keep it on a new case, readable by operators only, and flag it.
    collision = Contact.objects.filter(receipt_lookup_hash=keys.lookup_hash).exists()

    page_language = _page_language(data)
    language = str(data[_LANGUAGE])
    inquiry_type = _text(data, "inquiry_type")
    if inquiry_type not in InquiryType.values:
        inquiry_type = InquiryType.OTHER
    case = open_case(channel=Channel.WEB, language=language, inquiry_type=inquiry_type)
    # The code came from a /c/CODE link or was typed into the form; unknown and ended
    # campaigns are handled (recorded, flagged) by the campaigns domain.
    attribute(case, _text(data, "campaign"), via=AttributionVia.WEB)
    relation = Relation.RELATIVE if inquiry_type == InquiryType.FAMILY_MEMBER else Relation.SELF
    contact = add_contact(
        case,
        channel=Channel.WEB,
        relation=relation,
        receipt_lookup_hash=None if collision else keys.lookup_hash,
        applicant_key=None if collision else keys.public_key,
        language=page_language,
    )
    if collision:
        flag_case(case, "receipt_collision")
    store_applicant_identity(
        case,
        {field: _text(data, field) for field in IDENTITY_FIELDS},
        group_size=_text(data, "group_size"),
    )
    _store_reach_back(case, data, relation, page_language)
    add_inbound_message(
        case,
        contact,
        body=seal(message, to=keyring.public, applicant=None if collision else keys.public_key),
        language=language,
        received_at=envelope.received_at,
        envelope_id=envelope.pk,
    )
    note_new_case(case=case, text=message, channel=Channel.WEB, received_at=envelope.received_at)


@handles(EnvelopeKind.WEB_FOLLOWUP)
def handle_web_followup(envelope: InboundEnvelope, data: dict[str, Any]) -> None:
    """Add a follow-up written in the inbox to the applicant's case (reopening it if due)."""
    message = _text(data, "message")
    if not message:
        raise EnvelopeRejected("empty message")
    contact = Contact.objects.filter(receipt_lookup_hash=_text(data, "lookup_hash")).first()
    if contact is None or not contact.applicant_public_key:
        raise EnvelopeRejected("unknown receipt")
    previous = current_case(contact.case)
    case = reopen_or_renew(previous, contact)
    detected = data.get(_LANGUAGE)
    if detected is None:
        detected = detect_language(message, fallback="")
    language = str(detected) or contact.language or case.language
    keyring = get_keyring()
    add_inbound_message(
        case,
        contact,
        body=seal(
            message, to=keyring.public, applicant=PublicKey(bytes(contact.applicant_public_key))
        ),
        language=language,
        received_at=envelope.received_at,
        envelope_id=envelope.pk,
    )
    if case.pk != previous.pk:
        # A case renewed after completion is a new case: it is checked like any other.
        note_new_case(
            case=case, text=message, channel=Channel.WEB, received_at=envelope.received_at
        )


@handles(EnvelopeKind.WEB_SIGNIN_WAITING)
def handle_signin_waiting(envelope: InboundEnvelope, data: dict[str, Any]) -> None:
    """Nothing to write: ``waiting.waited_for`` used the ask before the round began
    (an ask handled here came when nothing was queued; its body is cleared anyway)."""
