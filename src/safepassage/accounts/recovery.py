"""Recovery codes: ten single-use codes shown once, stored as Argon2 hashes.

Format: ``XXXXX-XXXXX`` from a 31-letter alphabet without look-alikes (no 0/O, 1/I/L),
about 49.5 bits each.  That entropy plus Argon2id makes a stolen hash list useless, so a
lighter Argon2 cost than passwords' is enough and ten checks stay well under a second.
"""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

CODE_COUNT = 10
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
_GROUP = 5
_HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


def normalise(code: str) -> str:
    """Upper-case, without spaces or dashes: what was typed, compared fairly."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def looks_like_recovery_code(code: str) -> bool:
    """Whether ``code`` has the shape of a recovery code (so no hash work is wasted)."""
    cleaned = normalise(code)
    return len(cleaned) == 2 * _GROUP and all(ch in ALPHABET for ch in cleaned)


def new_codes() -> list[str]:
    """Ten fresh codes, formatted for display."""
    codes = []
    for _ in range(CODE_COUNT):
        raw = "".join(secrets.choice(ALPHABET) for _ in range(2 * _GROUP))
        codes.append(f"{raw[:_GROUP]}-{raw[_GROUP:]}")
    return codes


def hash_code(code: str) -> str:
    """The Argon2id hash stored in ``Account.recovery_codes``."""
    return _HASHER.hash(normalise(code))


def find_matching(hashes: list[str], code: str) -> int | None:
    """Index of the stored hash that ``code`` matches, or None.

    Checks every hash even after a match so the time taken does not tell which
    position (or whether any) matched.
    """
    if not looks_like_recovery_code(code):
        return None
    cleaned = normalise(code)
    found: int | None = None
    for index, stored in enumerate(hashes):
        try:
            if _HASHER.verify(stored, cleaned) and found is None:
                found = index
        except (VerificationError, InvalidHashError):
            continue
    return found
