"""Reading an applicant's conversation with the key derived from the receipt.

Sign-in spends one Argon2id derivation (production cost) for every well-formed receipt,
found or not, followed by the same one indexed lookup, so a wrong receipt costs and
looks exactly like any other wrong receipt.  Messages are opened in this process with
the applicant's key from the session cookie; the programme's secret key is never needed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from nacl.public import PrivateKey

from safepassage.cases.models import Contact, Direction, Message
from safepassage.cases.states import Channel
from safepassage.crypto.errors import CryptoError
from safepassage.crypto.receipts import ReceiptKeys, derive_receipt_keys
from safepassage.crypto.runtime import get_public_keyring
from safepassage.crypto.sealing import open_text_as_applicant
from safepassage.intake.throttling import argon2_slot

# The inbox shows the latest messages; a conversation longer than this is rare and the
# operators hold the full record.
SHOWN_MESSAGES = 100


@dataclass(frozen=True)
class ShownMessage:
    """One message as the applicant sees it."""

    mine: bool
    text: str
    at: datetime


def find_web_contact(lookup_hash: str) -> Contact | None:
    """The website contact registered under ``lookup_hash``, if the worker has stored it."""
    return (
        Contact.objects.filter(channel=Channel.WEB, receipt_lookup_hash=lookup_hash)
        .exclude(applicant_public_key=None)
        .only("pk", "receipt_lookup_hash", "applicant_public_key")
        .first()
    )


def sign_in(receipt: str) -> ReceiptKeys | None:
    """Derive the receipt's keys and return them if a contact is registered under them.

    ``receipt`` has already been parsed (16 digits, check digit valid).  Raises
    ``throttling.Busy`` if no Argon2id slot frees up in time.
    """
    with argon2_slot():
        keys = derive_receipt_keys(receipt, get_public_keyring())
    contact = find_web_contact(keys.lookup_hash)
    if contact is None or bytes(contact.applicant_public_key or b"") != bytes(keys.public_key):
        return None
    return keys


def conversation(contact: Contact, private_key: PrivateKey) -> list[ShownMessage]:
    """The contact's messages the applicant's key can open, oldest first.

    Messages not sealed to the applicant (e.g. replies sent to a Telegram contact of the
    same case) are left out rather than shown as errors.
    """
    rows = list(
        Message.objects.filter(contact=contact)
        .order_by("-created_at", "-id")
        .only("direction", "body", "created_at")[:SHOWN_MESSAGES]
    )
    shown: list[ShownMessage] = []
    for row in reversed(rows):
        try:
            text = open_text_as_applicant(row.body, private_key)
        except CryptoError:
            continue
        shown.append(
            ShownMessage(mine=row.direction == Direction.INBOUND, text=text, at=row.created_at)
        )
    return shown
