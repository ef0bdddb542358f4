"""Fixtures for the crypto tests: real libsodium keys with small Argon2id costs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from nacl.public import PrivateKey

from safepassage.crypto.keyfile import create_keyfile
from safepassage.crypto.keys import Keyring, new_keyring

from .support import FAST_KDF_MEMLIMIT, FAST_KDF_OPSLIMIT, FAST_RECEIPTS, PASSPHRASE, KeyFile


@pytest.fixture(scope="session")
def keyring() -> Keyring:
    """A programme keyring held in memory only."""
    return new_keyring(FAST_RECEIPTS)


@pytest.fixture(scope="session")
def other_keyring() -> Keyring:
    """A second, unrelated programme keyring (another deployment)."""
    return new_keyring(FAST_RECEIPTS)


@pytest.fixture
def applicant_key() -> PrivateKey:
    """A web applicant's secret key (in production derived from the receipt)."""
    return PrivateKey.generate()


@pytest.fixture
def make_keyfile(tmp_path: Path) -> Callable[[str], KeyFile]:
    """Factory: create a key file named ``name`` in the test's directory."""

    def make(name: str = "keys.json") -> KeyFile:
        path = tmp_path / name
        keyring = create_keyfile(
            path,
            PASSPHRASE,
            kdf_opslimit=FAST_KDF_OPSLIMIT,
            kdf_memlimit=FAST_KDF_MEMLIMIT,
            receipt_params=FAST_RECEIPTS,
        )
        return KeyFile(path=path, passphrase=PASSPHRASE, keyring=keyring)

    return make


@pytest.fixture
def keyfile(make_keyfile: Callable[[str], KeyFile]) -> KeyFile:
    """One freshly created key file."""
    return make_keyfile("keys.json")
