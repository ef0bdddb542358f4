"""Key custody: the key file's recovery secret split among officers with SLIP-39.

The recovery secret is a random 256-bit master secret, made fresh by each split.  It
is never stored: the officers hold it as SLIP-39 mnemonic shares (words), any
``threshold`` of which rebuild it.  From it we derive the recovery key (BLAKE2b, a
separate domain), and the key file keeps a second copy of its secrets sealed under
that key (``keyfile``), so losing the passphrase loses nothing.  The splitting and
combining are the SLIP-39 reference implementation (``shamir-mnemonic``): share
checksums, group identifiers and the threshold are checked there, not by us.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import replace
from pathlib import Path

import shamir_mnemonic
from shamir_mnemonic import MnemonicError

from safepassage.crypto.errors import KeyFileError
from safepassage.crypto.keyfile import recover_keyfile, update_keyfile
from safepassage.crypto.keys import RECOVERY_KEY_SIZE, Keyring

MASTER_SECRET_SIZE = 32
MAX_SHARES = 16  # SLIP-39's limit per group
_RECOVERY_KEY_PERSON = b"sp-recovery-key"


class RecoveryRefused(KeyFileError):
    """The shares given cannot rebuild the recovery secret (too few, wrong, mixed)."""


def recovery_key_from(master_secret: bytes) -> bytes:
    """The 32-byte key the recovery copy is sealed under, derived from the master secret.

    The master secret is uniformly random, so a fast hash suffices; the domain separates
    this use from any other the same secret could ever be put to.
    """
    return hashlib.blake2b(
        master_secret, digest_size=RECOVERY_KEY_SIZE, person=_RECOVERY_KEY_PERSON
    ).digest()


def split_keyfile(path: Path, passphrase: str, *, shares: int, threshold: int) -> list[str]:
    """Make a fresh recovery secret for the key file and return it as ``shares`` SLIP-39
    mnemonics, any ``threshold`` of which recover the file.

    The key file gets a recovery copy under the new secret; shares of any earlier split
    stop working.  The shares are returned once and stored nowhere.
    """
    if not 1 <= threshold <= shares <= MAX_SHARES:
        raise RecoveryRefused(
            f"need 1 <= threshold <= shares <= {MAX_SHARES} (got {threshold} of {shares})"
        )
    if threshold == 1 and shares > 1:
        # SLIP-39 refuses this: every share would be the secret itself, which is not
        # custody shared among officers.
        raise RecoveryRefused("a threshold of 1 would give every officer the whole secret")
    master_secret = secrets.token_bytes(MASTER_SECRET_SIZE)
    key = recovery_key_from(master_secret)
    mnemonics = shamir_mnemonic.generate_mnemonics(
        group_threshold=1,
        groups=[(threshold, shares)],
        master_secret=master_secret,
        passphrase=b"",
    )
    update_keyfile(path, passphrase, lambda ring: _with_recovery_key(ring, key))
    return list(mnemonics[0])


def _with_recovery_key(keyring: Keyring, key: bytes) -> Keyring:
    return replace(keyring, recovery_key=key)


def parse_shares(lines: list[str]) -> list[str]:
    """Shares as typed: one per line, words separated by any whitespace, case ignored;
    blank lines skipped."""
    return [" ".join(line.lower().split()) for line in lines if line.strip()]


def combine_shares(shares: list[str]) -> bytes:
    """The master secret rebuilt from SLIP-39 ``shares``; RecoveryRefused (one line, no
    share words in it) if they are too few, damaged, or from different splits."""
    if not shares:
        raise RecoveryRefused("no shares given")
    try:
        groups = shamir_mnemonic.decode_mnemonics(shares)
        for index, group in groups.items():
            if len(group) > group.member_threshold():
                # More officers came than needed: any threshold of them will do.
                groups[index] = group.get_minimal_group()
        secret: bytes = shamir_mnemonic.recover_ems(groups).decrypt(b"")
    except MnemonicError as error:
        raise RecoveryRefused(_refusal(str(error), len(set(shares)))) from None
    return secret


def _refusal(detail: str, given: int) -> str:
    # The library's messages are precise but may quote share words; say what went
    # wrong in our own words instead.
    lowered = detail.lower()
    if "insufficient" in lowered or "wrong number" in lowered:
        return f"not enough shares: {given} given, more are needed for this split"
    if "don't match" in lowered or "must begin with the same" in lowered:
        return "the shares come from different splits"
    if "unique" in lowered:
        return "the same share was given twice"
    if "digest" in lowered:
        return "the shares do not combine: one of them is from another split or altered"
    return "a share is mistyped or damaged (its words or checksum are not valid)"


def recover(
    path: Path, shares: list[str], new_passphrase: str, *, output: Path | None = None
) -> Keyring:
    """Rebuild the key file from ``shares`` under ``new_passphrase`` (in place, or at
    ``output``).  RecoveryRefused for bad shares; WrongPassphrase if the shares are a
    valid set from another key file's split."""
    key = recovery_key_from(combine_shares(shares))
    return recover_keyfile(path, key, new_passphrase, output=output)
