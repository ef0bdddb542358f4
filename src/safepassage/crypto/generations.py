"""Keyring changes made by the rotation commands (pure: keyring in, keyring out).

``keyfile.update_keyfile`` writes the results; ``cli.keys`` drives the database work
that goes with them (re-wrapping, recomputing indexes).
"""

from __future__ import annotations

import secrets
from dataclasses import replace

from nacl.signing import SigningKey

from safepassage.crypto.errors import KeyFileError
from safepassage.crypto.keys import (
    INDEX_KEY_SIZE,
    MAX_PREVIOUS_RECEIPT_SALTS,
    RECEIPT_SALT_SIZE,
    Keyring,
)


class RotationRefused(KeyFileError):
    """A key change that would make stored data unreadable, or exceed a limit."""


def without_key(keyring: Keyring, kid: bytes) -> Keyring:
    """``keyring`` without the X25519 generation ``kid`` (secret and public halves).

    Refuses the active key and unknown ids.  The caller must first make sure no stored
    value still names ``kid``: afterwards nothing can open such values.
    """
    if kid == keyring.public.active_key_id:
        raise RotationRefused(f"key {kid.hex()} is the active key; rotate before retiring it")
    if kid not in keyring.secret_keys:
        raise RotationRefused(f"the key file has no key {kid.hex()}")
    public_keys = {k: v for k, v in keyring.public.public_keys.items() if k != kid}
    secret_keys = {k: v for k, v in keyring.secret_keys.items() if k != kid}
    return replace(
        keyring, public=replace(keyring.public, public_keys=public_keys), secret_keys=secret_keys
    )


def with_new_index_key(keyring: Keyring) -> Keyring:
    """A fresh blind-index key; the old one is kept as ``previous_index_key`` until the
    recompute finishes.  If a rotation is already under way, the keyring is returned
    as it is, so an interrupted ``rotate-index`` continues with the same new key."""
    if keyring.previous_index_key is not None:
        return keyring
    return replace(
        keyring,
        index_key=secrets.token_bytes(INDEX_KEY_SIZE),
        previous_index_key=keyring.index_key,
    )


def index_rotation_done(keyring: Keyring) -> Keyring:
    """Forget the previous index key once every index has been recomputed."""
    return replace(keyring, previous_index_key=None)


def with_new_signing_key(keyring: Keyring) -> Keyring:
    """A fresh Ed25519 signing key; the old verify key joins ``previous_verify_keys``
    (newest first), so batches signed before stay verifiable.  The old signing key
    itself is dropped: nothing new may ever be signed with it."""
    return replace(
        keyring,
        signing_key=SigningKey.generate(),
        previous_verify_keys=(keyring.signing_key.verify_key, *keyring.previous_verify_keys),
    )


def with_new_receipt_salt(keyring: Keyring) -> Keyring:
    """A fresh receipt salt for new receipts; the old one joins ``previous_receipt_salts``.

    Refuses past ``MAX_PREVIOUS_RECEIPT_SALTS``: each kept salt costs every sign-in one
    more Argon2id run.
    """
    previous = keyring.public.previous_receipt_salts
    if len(previous) >= MAX_PREVIOUS_RECEIPT_SALTS:
        raise RotationRefused(
            f"the key file already keeps {len(previous)} older receipt salts "
            f"(at most {MAX_PREVIOUS_RECEIPT_SALTS}); receipts issued under the oldest "
            "would stop working"
        )
    public = replace(
        keyring.public,
        receipt_salt=secrets.token_bytes(RECEIPT_SALT_SIZE),
        previous_receipt_salts=(keyring.public.receipt_salt, *previous),
    )
    return replace(keyring, public=public)
