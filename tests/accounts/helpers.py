"""Extra people for two-person-rule tests: a second admin and a second supervisor, with
known passwords and TOTP secrets, like the shared personas."""

from __future__ import annotations

import base64
import hashlib

from safepassage.accounts.models import Account
from safepassage.crypto.runtime import get_keyring
from safepassage.crypto.sealing import seal
from tests.conftest import PERSONA_PASSWORD


def extra_secret(name: str) -> str:
    """A fixed TOTP secret for an extra person (as ``totp_secret_for`` for personas)."""
    return base64.b32encode(hashlib.sha256(b"extra:" + name.encode()).digest()[:20]).decode()


def extra_account(name: str, role: str, languages: list[str] | None = None) -> Account:
    """An enrolled account made directly (test set-up, like the personas)."""
    account = Account.objects.create_account(
        name, PERSONA_PASSWORD, role=role, languages=list(languages or [])
    )
    account.totp_secret = seal(extra_secret(name), to=get_keyring().public)
    account.totp_confirmed = True
    account.save()
    return account
