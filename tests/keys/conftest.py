"""Fixtures for the key rotation tests: a key file of their own, installed like a tier's.

Each test gets a fresh key file (fast Argon2id) whose keyring is installed in the
process before any data is made, so everything the test stores is sealed to it, and the
CLI commands (run in-process, on the test database) find it through the settings.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import nacl.pwhash
import pytest
from pytest_django.fixtures import Settings as SettingsWrapper

from safepassage.casekeys.keys import forget_cached_keys
from safepassage.crypto import runtime
from safepassage.crypto.keyfile import create_keyfile, load_keyring
from safepassage.crypto.keys import Keyring, ReceiptParams
from safepassage.intake import throttling
from safepassage.intake.envelope_writer import WRITER

PASSPHRASE = "rotation tests passphrase"
FAST_RECEIPTS = ReceiptParams(opslimit=1, memlimit=8 * 1024 * 1024)


@dataclass
class Deployment:
    """The key file of a test deployment; ``restart()`` reloads it as a restarted
    console/worker would after a rotation."""

    path: Path
    keyring: Keyring

    def restart(self) -> Keyring:
        """Load the key file again and install it in the process."""
        self.keyring = load_keyring(self.path, PASSPHRASE)
        runtime.install_keyring(self.keyring)
        # A restarted process has no unwrapped case keys in memory.
        forget_cached_keys()
        return self.keyring


@pytest.fixture(autouse=True)
def intake_limits(settings: SettingsWrapper) -> Iterator[None]:
    """The intake's rate limits out of the way (these tests submit and sign in several
    times), fresh buckets, and the envelope writer stopped after each test (as in
    tests/intake: a test database cannot be dropped while its connection is open)."""
    settings.SAFEPASSAGE_WORKERS = 1
    settings.SAFEPASSAGE_SUBMIT_RATE_CLIENT = "1000/1"
    settings.SAFEPASSAGE_SUBMIT_RATE_GLOBAL = "1000/1"
    settings.SAFEPASSAGE_SIGNIN_RATE_CLIENT = "1000/1"
    settings.SAFEPASSAGE_SIGNIN_RATE_GLOBAL = "1000/1"
    throttling.reset()
    yield
    throttling.reset()
    WRITER.stop()


@pytest.fixture
def deployment(
    tmp_path: Path, settings: SettingsWrapper, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Deployment]:
    path = tmp_path / "keys.json"
    keyring = create_keyfile(
        path,
        PASSPHRASE,
        kdf_opslimit=nacl.pwhash.argon2id.OPSLIMIT_MIN,
        kdf_memlimit=nacl.pwhash.argon2id.MEMLIMIT_MIN,
        receipt_params=FAST_RECEIPTS,
    )
    settings.SAFEPASSAGE_KEY_FILE = path
    monkeypatch.setenv(settings.SAFEPASSAGE_KEY_PASSPHRASE_ENV, PASSPHRASE)
    # setup_django() in the CLI sets the role variable; keep it from leaking.
    monkeypatch.setenv("SAFEPASSAGE_ROLE", "all")
    runtime.install_keyring(keyring)
    yield Deployment(path=path, keyring=keyring)
    runtime.reset()
