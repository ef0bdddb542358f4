"""Reading an applicant's conversation with the key derived from the receipt.

Sign-in spends one Argon2id derivation (production cost) per receipt salt generation
for every well-formed receipt, found or not, followed by the same indexed lookups, so a
wrong receipt costs and looks exactly like any other wrong receipt, and a receipt issued
before a salt rotation looks like one issued after it.  Messages are opened in this
process with the applicant's key from the session cookie; the programme's secret key is
never needed.

On PostgreSQL the intake's database role may not read contacts or messages at all: it
calls two SECURITY DEFINER functions (cases migration 0006) that answer for one lookup
hash only, so a seized intake cannot list anyone else's conversation.  SQLite (the demo,
one trust domain) reads the same rows through the ORM.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from nacl.public import PrivateKey

from safepassage.cases.models import Contact, Direction, Message
from safepassage.cases.states import Channel
from safepassage.crypto.errors import CryptoError
from safepassage.crypto.receipts import ReceiptKeys, derive_receipt_keys_all
from safepassage.crypto.runtime import get_public_keyring
from safepassage.crypto.sealing import Sealed, open_text_as_applicant
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


@dataclass(frozen=True)
class InboxContact:
    """The signed-in applicant's web contact, as far as the inbox needs it."""

    lookup_hash: str
    public_key: bytes


@dataclass(frozen=True)
class _Row:
    inbound: bool
    body: Sealed
    at: datetime


def _through_functions() -> bool:
    """PostgreSQL: read through the intake's SECURITY DEFINER functions."""
    return connection.vendor == "postgresql"


def find_web_contact(lookup_hash: str) -> InboxContact | None:
    """The website contact registered under ``lookup_hash``, if the worker has stored it."""
    if _through_functions():
        with connection.cursor() as cursor:
            cursor.execute("SELECT safepassage_inbox_key(%s)", [lookup_hash])
            row = cursor.fetchone()
        key = row[0] if row else None
        return None if key is None else InboxContact(lookup_hash, bytes(key))
    contact = (
        Contact.objects.filter(channel=Channel.WEB, receipt_lookup_hash=lookup_hash)
        .exclude(applicant_public_key=None)
        .only("pk", "applicant_public_key")
        .first()
    )
    if contact is None:
        return None
    return InboxContact(lookup_hash, bytes(contact.applicant_public_key or b""))


def sign_in(receipt: str) -> ReceiptKeys | None:
    """Derive the receipt's keys and return them if a contact is registered under them.

    ``receipt`` has already been parsed (20 or 16 digits, check digit valid).  Raises
    ``throttling.Busy`` if no Argon2id slot frees up in time.
    """
    with argon2_slot():
        candidates = derive_receipt_keys_all(receipt, get_public_keyring())
    for keys in candidates:  # the current salt first
        contact = find_web_contact(keys.lookup_hash)
        if contact is not None and contact.public_key == bytes(keys.public_key):
            return keys
    return None


def _latest_rows(contact: InboxContact) -> list[_Row]:
    """The contact's latest messages, newest first."""
    if _through_functions():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT inbound, body, created_at FROM safepassage_inbox_messages(%s, %s)",
                [contact.lookup_hash, SHOWN_MESSAGES],
            )
            return [
                _Row(bool(inbound), Sealed.from_storage(body), at)
                for inbound, body, at in cursor.fetchall()
            ]
    rows = (
        Message.objects.filter(
            contact__channel=Channel.WEB, contact__receipt_lookup_hash=contact.lookup_hash
        )
        .order_by("-created_at", "-id")
        .only("direction", "body", "created_at")[:SHOWN_MESSAGES]
    )
    return [_Row(row.direction == Direction.INBOUND, row.body, row.created_at) for row in rows]


def conversation(contact: InboxContact, private_key: PrivateKey) -> list[ShownMessage]:
    """The contact's messages the applicant's key can open, oldest first.

    Messages not sealed to the applicant (e.g. replies sent to a Telegram contact of the
    same case) are left out rather than shown as errors.
    """
    shown: list[ShownMessage] = []
    for row in reversed(_latest_rows(contact)):
        try:
            text = open_text_as_applicant(row.body, private_key)
        except CryptoError:
            continue
        shown.append(ShownMessage(mine=row.inbound, text=text, at=row.at))
    return shown
