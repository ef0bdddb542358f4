"""SP2: a sealed value whose data key is wrapped under a per-case key (crypto-shredding).

Blob layout::

    b"SP2" | case key id [16] | SecretBox(case key)(data key) [72]
          | m (0..3) | m x (applicant key id [8] | SealedBox(data key) [80]) | tag [16] | body

``body`` is ``SecretBox(data_key).encrypt(plaintext)`` exactly as in SP1, so an SP1 value
is turned into SP2 by re-wrapping its data key, without touching the body.  ``tag`` is
BLAKE2b keyed with the data key over the header (as in SP1, with its own personalisation).

The programme key never wraps the data key of an SP2 value: the only programme-side
path to the plaintext goes through the case key, which is itself sealed (SP1) to the
programme key in the ``crypto_casekey`` table.  Deleting that row therefore makes every
copy of the case's SP2 values unreadable, wherever the copy is, once every copy of the
row is gone.  The applicant entries (a web applicant's receipt-derived key) are kept:
the applicant, who holds the receipt, may read their own messages; nobody else can.

The case key is found through a resolver registered by the app that owns the key table
(``safepassage.casekeys``); this module cannot import it (it sits below every app).
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from dataclasses import dataclass

import nacl.exceptions
import nacl.hash
from nacl.encoding import RawEncoder
from nacl.public import PrivateKey, SealedBox
from nacl.secret import SecretBox

from safepassage.crypto.errors import KeyShredded, NotARecipient, TamperedValue
from safepassage.crypto.keys import KEY_ID_SIZE, Keyring

MAGIC = b"SP2"
CASE_KEY_ID_SIZE = 16
CASE_KEY_SIZE = SecretBox.KEY_SIZE
CASE_WRAP_SIZE = SecretBox.NONCE_SIZE + SecretBox.MACBYTES + SecretBox.KEY_SIZE  # 72
APPLICANT_ENTRY_SIZE = KEY_ID_SIZE + 80  # key id + SealedBox(data key)
MAX_APPLICANTS = 3
TAG_SIZE = 16
_FIXED = len(MAGIC) + CASE_KEY_ID_SIZE + CASE_WRAP_SIZE + 1
_MIN_BODY = SecretBox.NONCE_SIZE + SecretBox.MACBYTES
_TAG_PERSON = b"SP2-header"


# (case key id, keyring) -> the case key, or None when no such key exists (shredded).
CaseKeyResolver = Callable[[bytes, Keyring], bytes | None]
_resolvers: list[CaseKeyResolver] = []


def register_case_key_resolver(resolver: CaseKeyResolver) -> None:
    """Install the function that finds a case key by id (one per process; last wins)."""
    _resolvers[:] = [resolver]


@dataclass(frozen=True)
class Parts:
    """A parsed SP2 blob."""

    header: bytes
    case_key_id: bytes
    wrapped: bytes
    applicants: list[tuple[bytes, bytes]]
    tag: bytes
    body: bytes


def is_sp2(blob: bytes) -> bool:
    """Whether ``blob`` carries the SP2 format tag."""
    return blob[: len(MAGIC)] == MAGIC


def parse(blob: bytes) -> Parts:
    """Split an SP2 blob; TamperedValue if its framing is wrong."""
    if len(blob) < _FIXED or not is_sp2(blob):
        raise TamperedValue("not a case-sealed value")
    count = blob[_FIXED - 1]
    if count > MAX_APPLICANTS:
        raise TamperedValue("case-sealed value has an invalid recipient count")
    header_end = _FIXED + count * APPLICANT_ENTRY_SIZE
    if len(blob) < header_end + TAG_SIZE + _MIN_BODY:
        raise TamperedValue("case-sealed value is truncated")
    kid_end = len(MAGIC) + CASE_KEY_ID_SIZE
    applicants = [
        (blob[at : at + KEY_ID_SIZE], blob[at + KEY_ID_SIZE : at + APPLICANT_ENTRY_SIZE])
        for at in range(_FIXED, header_end, APPLICANT_ENTRY_SIZE)
    ]
    return Parts(
        header=blob[:header_end],
        case_key_id=blob[len(MAGIC) : kid_end],
        wrapped=blob[kid_end : kid_end + CASE_WRAP_SIZE],
        applicants=applicants,
        tag=blob[header_end : header_end + TAG_SIZE],
        body=blob[header_end + TAG_SIZE :],
    )


def header_tag(data_key: bytes, header: bytes) -> bytes:
    """The header's authentication tag under ``data_key``."""
    return nacl.hash.blake2b(
        header, digest_size=TAG_SIZE, key=data_key, person=_TAG_PERSON, encoder=RawEncoder
    )


def assemble(
    data_key: bytes,
    *,
    case_key_id: bytes,
    case_key: bytes,
    applicants: list[tuple[bytes, bytes]],
    body: bytes,
) -> bytes:
    """Build an SP2 blob; ``applicants`` are (key id, SealedBox(data key)) entries."""
    if len(case_key_id) != CASE_KEY_ID_SIZE or len(case_key) != CASE_KEY_SIZE:
        raise ValueError("a case key id is 16 bytes and a case key 32")
    if len(applicants) > MAX_APPLICANTS:
        raise ValueError("too many applicant recipients")
    wrapped = bytes(SecretBox(case_key).encrypt(data_key))
    entries = b"".join(kid + box for kid, box in applicants)
    header = MAGIC + case_key_id + wrapped + bytes([len(applicants)]) + entries
    return header + header_tag(data_key, header) + body


def _checked(data_key: bytes, parts: Parts) -> bytes:
    if not hmac.compare_digest(header_tag(data_key, parts.header), parts.tag):
        raise TamperedValue("the sealed value's header fails authentication")
    return data_key


def data_key_with_keyring(parts: Parts, keyring: Keyring) -> bytes:
    """The value's data key, through its case key; KeyShredded if that key is gone."""
    case_key = _resolvers[0](parts.case_key_id, keyring) if _resolvers else None
    if case_key is None:
        raise KeyShredded("the case key of this value has been destroyed")
    try:
        data_key = SecretBox(case_key).decrypt(parts.wrapped)
    except (nacl.exceptions.CryptoError, ValueError):
        raise TamperedValue("the case-wrapped data key fails authentication") from None
    return _checked(data_key, parts)


def data_key_as_applicant(parts: Parts, applicant_key: PrivateKey, kid: bytes) -> bytes:
    """The value's data key through the applicant entry for ``kid``."""
    for entry_kid, box in parts.applicants:
        if entry_kid != kid:
            continue
        try:
            data_key = SealedBox(applicant_key).decrypt(box)
        except nacl.exceptions.CryptoError:
            raise TamperedValue("the wrapped data key fails authentication") from None
        return _checked(data_key, parts)
    raise NotARecipient("the applicant's key cannot open this sealed value")
