"""Runtime key objects: the public keyring (all the intake may hold) and the full keyring."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field, replace

import nacl.pwhash.argon2id as argon2id
from nacl.public import PrivateKey, PublicKey
from nacl.signing import SigningKey, VerifyKey

KEY_ID_SIZE = 8
RECEIPT_SALT_SIZE = 16
INDEX_KEY_SIZE = 32
RECOVERY_KEY_SIZE = 32
# Each older receipt salt costs every sign-in one more Argon2id run (all salts are
# always tried, so a sign-in's cost does not reveal which generation matched).
MAX_PREVIOUS_RECEIPT_SALTS = 3


def key_id(public_key: PublicKey) -> bytes:
    """The 8-byte tag naming ``public_key`` among a sealed value's recipients.

    A truncated BLAKE2b-256 of the raw key: short enough to keep sealed values small,
    long enough that a keyring's few generations and applicant keys never collide.
    """
    return hashlib.blake2b(bytes(public_key), digest_size=32).digest()[:KEY_ID_SIZE]


@dataclass(frozen=True)
class ReceiptParams:
    """Argon2id cost of deriving keys from a receipt (production: t=3, 64 MiB)."""

    opslimit: int = 3
    memlimit: int = 64 * 1024 * 1024

    def __post_init__(self) -> None:
        if not argon2id.OPSLIMIT_MIN <= self.opslimit <= argon2id.OPSLIMIT_MAX:
            raise ValueError("receipt opslimit out of range")
        if not argon2id.MEMLIMIT_MIN <= self.memlimit <= argon2id.MEMLIMIT_MAX:
            raise ValueError("receipt memlimit out of range")


@dataclass(frozen=True)
class PublicKeyring:
    """Everything the intake tier may hold: public keys, receipt salt and cost.

    ``public_keys`` holds every generation by key id; new values are sealed to the
    active one only.  ``previous_receipt_salts`` (newest first) keep receipts issued
    before a salt rotation working; new receipts use ``receipt_salt``.
    """

    active_key_id: bytes
    public_keys: dict[bytes, PublicKey]
    receipt_salt: bytes
    receipt_params: ReceiptParams
    previous_receipt_salts: tuple[bytes, ...] = ()

    def __post_init__(self) -> None:
        # Copy so a caller mutating its dict later cannot change a "frozen" keyring.
        object.__setattr__(self, "public_keys", dict(self.public_keys))
        object.__setattr__(self, "previous_receipt_salts", tuple(self.previous_receipt_salts))
        for salt in (self.receipt_salt, *self.previous_receipt_salts):
            if len(salt) != RECEIPT_SALT_SIZE:
                raise ValueError("receipt salt must be 16 bytes")
        if len(self.previous_receipt_salts) > MAX_PREVIOUS_RECEIPT_SALTS:
            raise ValueError("too many previous receipt salts")
        for kid, public_key in self.public_keys.items():
            if key_id(public_key) != kid:
                raise ValueError("public key filed under the wrong key id")
        if self.active_key_id not in self.public_keys:
            raise ValueError("active key id is not among the public keys")

    @property
    def active_public_key(self) -> PublicKey:
        """The key new values are sealed to."""
        return self.public_keys[self.active_key_id]

    @property
    def receipt_salts(self) -> tuple[bytes, ...]:
        """Every receipt salt still honoured, the current one first."""
        return (self.receipt_salt, *self.previous_receipt_salts)


@dataclass(frozen=True)
class Keyring:
    """The full keyring held by console and worker.

    Secret fields are excluded from ``repr`` so a keyring in a traceback or log line
    shows no key material.  ``recovery_key`` (set by ``keys split``) seals the key
    file's recovery copy; ``previous_index_key`` is kept only while ``keys
    rotate-index`` recomputes the blind indexes; ``previous_verify_keys`` (newest
    first) are the public halves of retired signing keys, kept so old exports verify.
    """

    public: PublicKeyring
    secret_keys: dict[bytes, PrivateKey] = field(repr=False)
    index_key: bytes = field(repr=False)
    signing_key: SigningKey = field(repr=False)
    recovery_key: bytes | None = field(default=None, repr=False)
    previous_index_key: bytes | None = field(default=None, repr=False)
    previous_verify_keys: tuple[VerifyKey, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "secret_keys", dict(self.secret_keys))
        object.__setattr__(self, "previous_verify_keys", tuple(self.previous_verify_keys))
        for key in (self.index_key, self.previous_index_key):
            if key is not None and len(key) != INDEX_KEY_SIZE:
                raise ValueError("index key must be 32 bytes")
        if self.recovery_key is not None and len(self.recovery_key) != RECOVERY_KEY_SIZE:
            raise ValueError("recovery key must be 32 bytes")
        if not self.secret_keys:
            raise ValueError("a keyring needs at least one secret key")
        if set(self.secret_keys) != set(self.public.public_keys):
            raise ValueError("secret and public keys name different key ids")
        for kid, secret_key in self.secret_keys.items():
            if secret_key.public_key != self.public.public_keys[kid]:
                raise ValueError("a secret key does not match its public key")


def new_keyring(receipt_params: ReceiptParams | None = None) -> Keyring:
    """Generate a fresh keyring: one X25519 keypair, index key, signing key, receipt salt."""
    secret_key = PrivateKey.generate()
    kid = key_id(secret_key.public_key)
    public = PublicKeyring(
        active_key_id=kid,
        public_keys={kid: secret_key.public_key},
        receipt_salt=secrets.token_bytes(RECEIPT_SALT_SIZE),
        receipt_params=receipt_params if receipt_params is not None else ReceiptParams(),
    )
    return Keyring(
        public=public,
        secret_keys={kid: secret_key},
        index_key=secrets.token_bytes(INDEX_KEY_SIZE),
        signing_key=SigningKey.generate(),
    )


def with_new_generation(keyring: Keyring) -> Keyring:
    """A copy of ``keyring`` with a new active X25519 keypair; older ones stay for reading.

    The index key, signing key and receipt salt are kept, so blind indexes and
    receipts issued before the rotation stay valid.
    """
    secret_key = PrivateKey.generate()
    kid = key_id(secret_key.public_key)
    public = replace(
        keyring.public,
        active_key_id=kid,
        public_keys={**keyring.public.public_keys, kid: secret_key.public_key},
    )
    return replace(keyring, public=public, secret_keys={**keyring.secret_keys, kid: secret_key})
