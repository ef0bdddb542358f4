"""Fixtures shared by the whole suite: programme keys, named personas, helpers.

Keys are real libsodium keys with small Argon2 parameters (the production parameters
are exercised in tests/crypto and in bench/).
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import nacl.pwhash
import pyotp
import pytest

from safepassage.crypto import runtime
from safepassage.crypto.keyfile import create_keyfile
from safepassage.crypto.keys import Keyring, ReceiptParams
from safepassage.crypto.sealing import seal

if TYPE_CHECKING:
    from safepassage.accounts.models import Account

TEST_PASSPHRASE = "correct horse battery staple"
FAST_RECEIPTS = ReceiptParams(opslimit=1, memlimit=8 * 1024 * 1024)


@pytest.fixture(scope="session")
def keyfile_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("keys") / "keys.json"


@pytest.fixture(scope="session")
def programme_keyring(keyfile_path: Path) -> Keyring:
    return create_keyfile(
        keyfile_path,
        TEST_PASSPHRASE,
        kdf_opslimit=nacl.pwhash.argon2id.OPSLIMIT_MIN,
        kdf_memlimit=nacl.pwhash.argon2id.MEMLIMIT_MIN,
        receipt_params=FAST_RECEIPTS,
    )


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """Argon2id at its lowest cost for every test: persona set-up otherwise costs seconds
    per test.  The production hasher is pinned by tests/accounts/test_password_hashing.py."""
    settings.PASSWORD_HASHERS = ["tests.console.helpers.FastArgon2PasswordHasher"]


@pytest.fixture(autouse=True)
def loopback_providers(settings: Any) -> None:
    """The fake providers run on 127.0.0.1 over plain HTTP; production allows HTTPS only."""
    settings.SAFEPASSAGE_PROVIDER_LOOPBACK_HTTP = True


@pytest.fixture(autouse=True)
def installed_keys(programme_keyring: Keyring) -> Iterator[Keyring]:
    """Every test runs with the programme keys loaded, as console and worker do."""
    runtime.install_keyring(programme_keyring)
    yield programme_keyring
    runtime.reset()


PERSONAS = {
    # name: (role, languages)
    "kim": ("operator", ["ko", "ru"]),
    "olga": ("operator", ["ru", "uk"]),
    "sofia": ("supervisor", ["ru", "uk", "en"]),
    "roman": ("registrar", ["uk"]),
    "anna": ("analyst", ["en"]),
    "adam": ("admin", ["en"]),
}
PERSONA_PASSWORD = "a long test password 1"


def make_persona(name: str, keyring: Keyring) -> Account:
    """Create one named account with a known password and an enrolled TOTP secret."""
    from safepassage.accounts.models import Account

    role, languages = PERSONAS[name]
    account = Account.objects.create_account(name, PERSONA_PASSWORD, role=role, languages=languages)
    account.totp_secret = seal(totp_secret_for(name), to=keyring.public)
    account.totp_confirmed = True
    account.save()
    return account


def totp_secret_for(name: str) -> str:
    """A fixed, valid base32 TOTP secret per persona (so tests can compute codes)."""
    return base64.b32encode(hashlib.sha256(name.encode()).digest()[:20]).decode()


def totp_code_for(name: str) -> str:
    """The persona's current TOTP code."""
    return pyotp.TOTP(totp_secret_for(name)).now()


@pytest.fixture
def personas(db: None, installed_keys: Keyring) -> dict[str, Account]:
    """kim (operator, reads Korean), olga (operator, Russian), sofia (supervisor),
    roman (registrar), anna (analyst), adam (admin)."""
    return {name: make_persona(name, installed_keys) for name in PERSONAS}


# --- Browser tests -------------------------------------------------------------------
# Debian's Chromium driven by Playwright; never a browser download.

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    """A headless Chromium shared by the browser tests of one session."""
    import os

    # Playwright's sync API keeps an event loop in this thread; Django's ORM calls made
    # by the test itself (to set up data) are still synchronous and safe.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is not installed (./dev test installs it)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
