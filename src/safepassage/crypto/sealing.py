"""Sealed values: a random data key wrapped for each recipient, the value under that key.

Blob layout (all stored bytes, nothing else in the row)::

    b"SP1" | n (1..4) | n x (key id [8] | SealedBox(data key) [80]) | tag [16] | body

``body`` is ``SecretBox(data_key).encrypt(plaintext)`` (nonce, MAC, ciphertext).  ``tag``
is BLAKE2b keyed with the data key over everything before it, so no byte of the header
(recipient ids, wrapped keys, count) can change undetected, while a recipient can still
re-wrap the key for a new reader without touching the body.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass

import nacl.exceptions
import nacl.hash
import nacl.utils
from nacl.encoding import RawEncoder
from nacl.public import PrivateKey, PublicKey, SealedBox
from nacl.secret import SecretBox

from safepassage.crypto import _sp2
from safepassage.crypto.errors import CryptoError, NotARecipient, TamperedValue
from safepassage.crypto.keys import KEY_ID_SIZE, Keyring, PublicKeyring, key_id

MAGIC = b"SP1"
MAX_RECIPIENTS = 4
WRAPPED_KEY_SIZE = 80  # SealedBox: ephemeral public key 32 + MAC 16 + data key 32
ENTRY_SIZE = KEY_ID_SIZE + WRAPPED_KEY_SIZE
TAG_SIZE = 16
PREFIX_SIZE = len(MAGIC) + 1
MIN_BODY_SIZE = SecretBox.NONCE_SIZE + SecretBox.MACBYTES
_TAG_PERSON = b"SP1-header"


class Sealed:
    """An immutable sealed value, as stored in a ``SealedField``.

    ``repr`` shows only the length so a sealed value in a log or traceback reveals
    nothing, not even ciphertext that could be matched against a seized database.
    """

    __slots__ = ("_blob",)
    _blob: bytes

    def __init__(self, blob: bytes | bytearray | memoryview) -> None:
        """Wrap a blob produced by :func:`seal`; raises TamperedValue if it is not one.

        The check catches ``Sealed(b"plain text")`` written to get past ``SealedField``.
        """
        if not isinstance(blob, bytes | bytearray | memoryview):
            raise TypeError(f"Sealed wraps bytes, not {type(blob).__name__}")
        data = bytes(blob)
        if _sp2.is_sp2(data):
            _sp2.parse(data)
        else:
            _parse(data)
        object.__setattr__(self, "_blob", data)

    @classmethod
    def from_storage(cls, blob: bytes | bytearray | memoryview) -> Sealed:
        """Wrap bytes read from the database without checking them.

        A damaged row must not break loading a whole queryset; it fails with
        TamperedValue when someone opens it.
        """
        instance = object.__new__(cls)
        object.__setattr__(instance, "_blob", bytes(blob))
        return instance

    @property
    def blob(self) -> bytes:
        """The stored bytes."""
        return self._blob

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Sealed values are immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("Sealed values are immutable")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sealed):
            return NotImplemented
        return self._blob == other._blob

    def __hash__(self) -> int:
        return hash((Sealed, self._blob))

    def __len__(self) -> int:
        return len(self._blob)

    def __bytes__(self) -> bytes:
        return self._blob

    def __repr__(self) -> str:
        return f"<Sealed {len(self._blob)} bytes>"

    def __reduce__(self) -> tuple[object, tuple[bytes]]:
        # Slots plus a refusing __setattr__ defeat default pickling and copying.
        return (Sealed.from_storage, (self._blob,))


@dataclass(frozen=True)
class _Parts:
    header: bytes
    entries: list[tuple[bytes, bytes]]
    tag: bytes
    body: bytes


def _parse(blob: bytes) -> _Parts:
    if len(blob) < PREFIX_SIZE or blob[: len(MAGIC)] != MAGIC:
        raise TamperedValue("not a sealed value")
    count = blob[len(MAGIC)]
    if not 1 <= count <= MAX_RECIPIENTS:
        raise TamperedValue("sealed value has an invalid recipient count")
    header_end = PREFIX_SIZE + count * ENTRY_SIZE
    if len(blob) < header_end + TAG_SIZE + MIN_BODY_SIZE:
        raise TamperedValue("sealed value is truncated")
    entries = [
        (blob[start : start + KEY_ID_SIZE], blob[start + KEY_ID_SIZE : start + ENTRY_SIZE])
        for start in range(PREFIX_SIZE, header_end, ENTRY_SIZE)
    ]
    tag_end = header_end + TAG_SIZE
    return _Parts(blob[:header_end], entries, blob[header_end:tag_end], blob[tag_end:])


def _header_tag(data_key: bytes, header: bytes) -> bytes:
    return nacl.hash.blake2b(
        header, digest_size=TAG_SIZE, key=data_key, person=_TAG_PERSON, encoder=RawEncoder
    )


def _assemble(data_key: bytes, to: list[PublicKey], body: bytes) -> Sealed:
    entries = b"".join(key_id(key) + SealedBox(key).encrypt(data_key) for key in to)
    header = MAGIC + bytes([len(to)]) + entries
    return Sealed(header + _header_tag(data_key, header) + body)


def _recipient_keys(to: PublicKeyring, applicant: PublicKey | None) -> list[PublicKey]:
    keys = [to.active_public_key]
    if applicant is not None and applicant != to.active_public_key:
        keys.append(applicant)
    return keys


def _unwrap(secret_key: PrivateKey, wrapped: bytes) -> bytes | None:
    try:
        data_key = SealedBox(secret_key).decrypt(wrapped)
    except nacl.exceptions.CryptoError:
        return None
    return data_key if len(data_key) == SecretBox.KEY_SIZE else None


def _data_key(parts: _Parts, secret_keys: Mapping[bytes, PrivateKey]) -> bytes:
    matching = [(secret_keys[kid], wrapped) for kid, wrapped in parts.entries if kid in secret_keys]
    if matching:
        data_key = _unwrap(*matching[0])
        if data_key is None:
            raise TamperedValue("the wrapped data key fails authentication")
    else:
        # No recipient id we know: either the value is not ours, or an id was altered.
        # Trying each key on each entry (a few X25519 operations, only on this failure
        # path) tells the two apart; the header tag then reports the alteration.
        candidates = (
            _unwrap(key, wrapped) for key in secret_keys.values() for _, wrapped in parts.entries
        )
        found = next((key for key in candidates if key is not None), None)
        if found is None:
            raise NotARecipient("none of the available keys can open this sealed value")
        data_key = found
    if not hmac.compare_digest(_header_tag(data_key, parts.header), parts.tag):
        raise TamperedValue("the sealed value's header fails authentication")
    return data_key


def _decrypt_body(data_key: bytes, body: bytes) -> bytes:
    try:
        return SecretBox(data_key).decrypt(body)
    except (nacl.exceptions.CryptoError, ValueError):
        raise TamperedValue("the sealed value's body fails authentication") from None


def _open(value: Sealed, secret_keys: Mapping[bytes, PrivateKey]) -> bytes:
    if not isinstance(value, Sealed):
        raise TypeError(f"expected a Sealed value, not {type(value).__name__}")
    parts = _parse(value.blob)
    return _decrypt_body(_data_key(parts, secret_keys), parts.body)


def _as_text(plaintext: bytes) -> str:
    try:
        return plaintext.decode("utf-8")
    except UnicodeDecodeError:
        raise CryptoError("the sealed value does not hold UTF-8 text") from None


def seal(
    plaintext: str | bytes, *, to: PublicKeyring, applicant: PublicKey | None = None
) -> Sealed:
    """Seal ``plaintext`` (str is UTF-8 encoded) to the active programme key.

    With ``applicant``, the data key is also wrapped for the web applicant's key so the
    applicant can read the value with the key derived from the receipt.
    """
    if isinstance(plaintext, str):
        try:
            data = plaintext.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError("text to seal contains a lone surrogate") from None
    elif isinstance(plaintext, bytes):
        data = plaintext
    else:
        raise TypeError(f"can only seal str or bytes, not {type(plaintext).__name__}")
    data_key = nacl.utils.random(SecretBox.KEY_SIZE)
    body = bytes(SecretBox(data_key).encrypt(data))
    return _assemble(data_key, _recipient_keys(to, applicant), body)


def open_sealed(value: Sealed, keyring: Keyring) -> bytes:
    """Open ``value`` with any generation of the programme's secret keys.

    Raises NotARecipient if no key in the keyring can open it and TamperedValue if it
    is malformed or fails authentication.  A case-sealed (SP2) value is opened through
    its case key; KeyShredded (a NotARecipient) if that key was destroyed.
    """
    if isinstance(value, Sealed) and _sp2.is_sp2(value.blob):
        parts = _sp2.parse(value.blob)
        return _decrypt_body(_sp2.data_key_with_keyring(parts, keyring), parts.body)
    return _open(value, keyring.secret_keys)


def open_text(value: Sealed, keyring: Keyring) -> str:
    """Like :func:`open_sealed`, decoding UTF-8 text."""
    return _as_text(open_sealed(value, keyring))


def open_as_applicant(value: Sealed, applicant_key: PrivateKey) -> bytes:
    """Open ``value`` with the web applicant's receipt-derived secret key."""
    if isinstance(value, Sealed) and _sp2.is_sp2(value.blob):
        parts = _sp2.parse(value.blob)
        kid = key_id(applicant_key.public_key)
        return _decrypt_body(_sp2.data_key_as_applicant(parts, applicant_key, kid), parts.body)
    return _open(value, {key_id(applicant_key.public_key): applicant_key})


def open_text_as_applicant(value: Sealed, applicant_key: PrivateKey) -> str:
    """Like :func:`open_as_applicant`, decoding UTF-8 text."""
    return _as_text(open_as_applicant(value, applicant_key))


def reseal_for_applicant(value: Sealed, keyring: Keyring, applicant: PublicKey) -> Sealed:
    """Wrap the same data key for the active programme key and ``applicant``.

    The body bytes are kept as they are (no re-encryption); they are authenticated
    first so a damaged value is not given a fresh, valid header.
    """
    parts = _parse(value.blob)
    data_key = _data_key(parts, keyring.secret_keys)
    _decrypt_body(data_key, parts.body)
    return _assemble(data_key, _recipient_keys(keyring.public, applicant), parts.body)


def recipients(value: Sealed) -> list[bytes]:
    """The key ids ``value`` is sealed to (unauthenticated: a hint, not a proof).

    A case-sealed (SP2) value names only its applicants: the programme key reaches it
    through the case key row, an SP1 value of its own that rotation re-wraps, so an SP2
    value never needs re-wrapping and never holds back the retirement of a key.
    """
    if _sp2.is_sp2(value.blob):
        return [kid for kid, _ in _sp2.parse(value.blob).applicants]
    return [kid for kid, _ in _parse(value.blob).entries]


def seal_envelope_body(data: dict[str, object], *, to: PublicKeyring) -> Sealed:
    """Seal a JSON object (an InboundEnvelope body) to the programme."""
    return seal(json.dumps(data, ensure_ascii=False, separators=(",", ":")), to=to)


def open_envelope_body(value: Sealed, keyring: Keyring) -> dict[str, object]:
    """Open a sealed JSON object; a CryptoError if it is not one."""
    text = open_text(value, keyring)
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        raise CryptoError("the sealed envelope body is not JSON") from None
    if not isinstance(data, dict):
        raise CryptoError("the sealed envelope body is not a JSON object")
    return data


def needs_rewrap(value: Sealed, keyring: Keyring) -> bool:
    """Whether ``value`` names an older programme key generation than the active one
    (read from the unauthenticated header: a hint for choosing work, not a proof)."""
    named = set(recipients(value))
    older = set(keyring.secret_keys) - {keyring.public.active_key_id}
    return bool(named & older)


def rewrap(value: Sealed, keyring: Keyring) -> Sealed:
    """The same value with its data key wrapped for the active programme key only.

    Entries for other programme generations are dropped; entries of recipients outside
    the keyring (web applicants' receipt keys) are kept byte for byte, so applicants
    still open their messages.  The header is authenticated with the data key first,
    and the body is neither decrypted nor changed: its own MAC still guards it.
    """
    parts = _parse(value.blob)
    data_key = _data_key(parts, keyring.secret_keys)
    active = keyring.public.active_public_key
    kept = [entry for entry in parts.entries if entry[0] not in keyring.secret_keys]
    entries = key_id(active) + SealedBox(active).encrypt(data_key)
    entries += b"".join(kid + wrapped for kid, wrapped in kept)
    header = MAGIC + bytes([1 + len(kept)]) + entries
    return Sealed(header + _header_tag(data_key, header) + parts.body)


# --- Case keys (SP2, crypto-shredding): additive to SP1, see ``_sp2``. ---------------


def is_case_sealed(value: Sealed) -> bool:
    """Whether ``value`` is sealed under a case key (SP2) rather than the programme key."""
    return _sp2.is_sp2(value.blob)


def case_key_id_of(value: Sealed) -> bytes | None:
    """The case key id an SP2 value depends on (None for SP1; unauthenticated hint)."""
    return _sp2.parse(value.blob).case_key_id if _sp2.is_sp2(value.blob) else None


def rewrap_to_case_key(
    value: Sealed, keyring: Keyring, *, case_key_id: bytes, case_key: bytes
) -> Sealed:
    """Turn an SP1 value into SP2 under ``case_key``, keeping its body and applicants.

    The data key is opened with the programme key and wrapped under the case key only;
    recipients that are not programme keys (a web applicant's receipt-derived key) keep
    their entries unchanged.  The body is authenticated first, so a damaged value is not
    given a fresh valid header.  An SP2 value already under ``case_key_id`` is returned as
    it is; one under another case's key (moved by a merge) is re-wrapped the same way.
    """
    if _sp2.is_sp2(value.blob):
        moved = _sp2.parse(value.blob)
        if moved.case_key_id == case_key_id:
            return value
        data_key = _sp2.data_key_with_keyring(moved, keyring)
        applicants, body = moved.applicants, moved.body
    else:
        parts = _parse(value.blob)
        data_key = _data_key(parts, keyring.secret_keys)
        applicants = [(kid, box) for kid, box in parts.entries if kid not in keyring.secret_keys]
        body = parts.body
    _decrypt_body(data_key, body)
    blob = _sp2.assemble(
        data_key,
        case_key_id=case_key_id,
        case_key=case_key,
        applicants=applicants[: _sp2.MAX_APPLICANTS],
        body=body,
    )
    return Sealed(blob)
