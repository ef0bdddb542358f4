"""Turning partner hand-overs (``partner_intake`` envelopes, issue 18) into cases.

Envelope body written by ``safepassage.api`` (schema version 1): ``partner`` (the API
client's name), ``campaign`` (the client's campaign code, may be empty), ``language``,
``channel`` (the channel the person first used with the partner), ``message``, optional
identity fields (``name``, ``rank``, ``unit``, ``service_number``, ``date_of_birth``,
``area``) and ``inquiry_type``.  The partner is the case's source: its campaign code is
attributed with ``via=partner``, as a leaflet's code is attributed with ``via=web``.
"""

from __future__ import annotations

from typing import Any

from safepassage.campaigns.domain import attribute
from safepassage.campaigns.models import AttributionVia
from safepassage.cases.domain import add_inbound_message, open_case
from safepassage.cases.domain.contacts import add_contact
from safepassage.cases.domain.identity import IDENTITY_FIELDS, store_applicant_identity
from safepassage.cases.models.contact import Relation
from safepassage.cases.states import Channel, InquiryType
from safepassage.crypto.runtime import get_keyring
from safepassage.crypto.sealing import seal
from safepassage.envelopes.models import EnvelopeKind, InboundEnvelope
from safepassage.floods.domain import note_new_case
from safepassage.worker.handlers import EnvelopeRejected, handles
from safepassage.worker.language import detect_language


def _text(data: dict[str, Any], key: str) -> str:
    value = data.get(key, "")
    return value.strip() if isinstance(value, str) else ""


@handles(EnvelopeKind.PARTNER_INTAKE)
def handle_partner_intake(envelope: InboundEnvelope, data: dict[str, Any]) -> None:
    """Open a case for a contact a partner handed over, with its message and identity."""
    message = _text(data, "message")
    if not message:
        raise EnvelopeRejected("empty message")
    stated = _text(data, "language")
    stated = stated if stated in {"ru", "ko", "uk", "en"} else "ru"
    # The partner's operator may have picked the wrong language; the text decides.
    language = detect_language(message, fallback=stated)
    channel = _text(data, "channel")
    if channel not in Channel.values:
        channel = Channel.HOTLINE
    inquiry_type = _text(data, "inquiry_type")
    if inquiry_type not in InquiryType.values:
        inquiry_type = InquiryType.OTHER
    case = open_case(channel=channel, language=language, inquiry_type=inquiry_type)
    attribute(case, _text(data, "campaign"), via=AttributionVia.PARTNER)
    relation = Relation.RELATIVE if inquiry_type == InquiryType.FAMILY_MEMBER else Relation.UNKNOWN
    # No way back to the person is known to us: the partner keeps its own contact.
    contact = add_contact(case, channel=channel, relation=relation, language=stated)
    store_applicant_identity(case, {field: _text(data, field) for field in IDENTITY_FIELDS})
    add_inbound_message(
        case,
        contact,
        body=seal(message, to=get_keyring().public),
        language=language,
        received_at=envelope.received_at,
        envelope_id=envelope.pk,
    )
    note_new_case(case=case, text=message, channel=channel, received_at=envelope.received_at)
