"""Which keys a process may load, by role, and the process-wide cache."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_django.fixtures import Settings as SettingsWrapper

from safepassage.crypto import runtime
from safepassage.crypto.errors import (
    IntakeGivenSecretKey,
    KeyFileError,
    SecretKeyUnavailable,
    WrongPassphrase,
)
from safepassage.crypto.keyfile import write_public_keyfile
from safepassage.crypto.keys import Keyring

from .support import KeyFile

PASSPHRASE_ENV = "SAFEPASSAGE_KEY_PASSPHRASE"


@pytest.fixture
def role_settings(
    settings: SettingsWrapper, monkeypatch: pytest.MonkeyPatch
) -> Iterator[SettingsWrapper]:
    """Settings with no keys configured and an empty runtime cache."""
    settings.SAFEPASSAGE_ROLE = "all"
    settings.SAFEPASSAGE_KEY_FILE = None
    settings.SAFEPASSAGE_PUBLIC_KEY_FILE = None
    settings.SAFEPASSAGE_KEY_PASSPHRASE_ENV = PASSPHRASE_ENV
    monkeypatch.delenv(PASSPHRASE_ENV, raising=False)
    runtime.reset()
    yield settings
    runtime.reset()


@pytest.fixture
def public_path(keyfile: KeyFile, tmp_path: Path) -> Path:
    path = tmp_path / "public.json"
    write_public_keyfile(keyfile.keyring.public, path)
    return path


def test_intake_reads_the_public_key_file(
    role_settings: SettingsWrapper, keyfile: KeyFile, public_path: Path
) -> None:
    role_settings.SAFEPASSAGE_ROLE = "intake"
    role_settings.SAFEPASSAGE_PUBLIC_KEY_FILE = public_path
    assert runtime.get_public_keyring() == keyfile.keyring.public
    with pytest.raises(SecretKeyUnavailable):
        runtime.get_keyring()


def test_intake_refuses_a_full_key_file_as_public_key(
    role_settings: SettingsWrapper, keyfile: KeyFile
) -> None:
    role_settings.SAFEPASSAGE_ROLE = "intake"
    role_settings.SAFEPASSAGE_PUBLIC_KEY_FILE = keyfile.path
    with pytest.raises(IntakeGivenSecretKey):
        runtime.get_public_keyring()


def test_intake_refuses_a_configured_secret_key_file(
    role_settings: SettingsWrapper, keyfile: KeyFile, public_path: Path
) -> None:
    role_settings.SAFEPASSAGE_ROLE = "intake"
    role_settings.SAFEPASSAGE_PUBLIC_KEY_FILE = public_path
    role_settings.SAFEPASSAGE_KEY_FILE = keyfile.path
    with pytest.raises(IntakeGivenSecretKey):
        runtime.get_public_keyring()


def test_intake_refuses_the_key_passphrase(
    role_settings: SettingsWrapper,
    keyfile: KeyFile,
    public_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    role_settings.SAFEPASSAGE_ROLE = "intake"
    role_settings.SAFEPASSAGE_PUBLIC_KEY_FILE = public_path
    monkeypatch.setenv(PASSPHRASE_ENV, keyfile.passphrase)
    with pytest.raises(IntakeGivenSecretKey, match=PASSPHRASE_ENV) as error:
        runtime.get_public_keyring()
    assert keyfile.passphrase not in str(error.value)


def test_intake_without_a_public_key_file(role_settings: SettingsWrapper) -> None:
    role_settings.SAFEPASSAGE_ROLE = "intake"
    with pytest.raises(KeyFileError, match="SAFEPASSAGE_PUBLIC_KEY_FILE"):
        runtime.get_public_keyring()


def test_intake_may_not_install_secret_keys(
    role_settings: SettingsWrapper, keyring: Keyring
) -> None:
    role_settings.SAFEPASSAGE_ROLE = "intake"
    with pytest.raises(IntakeGivenSecretKey):
        runtime.install_keyring(keyring)
    runtime.install_keyring(None, keyring.public)
    assert runtime.get_public_keyring() == keyring.public
    with pytest.raises(SecretKeyUnavailable):
        runtime.get_keyring()


@pytest.mark.parametrize("role", ["worker", "console", "all"])
def test_worker_and_console_unlock_the_key_file(
    role_settings: SettingsWrapper, keyfile: KeyFile, monkeypatch: pytest.MonkeyPatch, role: str
) -> None:
    role_settings.SAFEPASSAGE_ROLE = role
    role_settings.SAFEPASSAGE_KEY_FILE = keyfile.path
    monkeypatch.setenv(PASSPHRASE_ENV, keyfile.passphrase)
    keyring = runtime.get_keyring()
    assert keyring == keyfile.keyring
    assert runtime.get_keyring() is keyring
    assert runtime.get_public_keyring() is keyring.public


def test_passphrase_variable_is_configurable(
    role_settings: SettingsWrapper, keyfile: KeyFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    role_settings.SAFEPASSAGE_ROLE = "worker"
    role_settings.SAFEPASSAGE_KEY_FILE = keyfile.path
    role_settings.SAFEPASSAGE_KEY_PASSPHRASE_ENV = "WORKER_KEY_PASSPHRASE"
    monkeypatch.setenv("WORKER_KEY_PASSPHRASE", keyfile.passphrase)
    assert runtime.get_keyring() == keyfile.keyring


def test_no_key_file_configured(role_settings: SettingsWrapper) -> None:
    role_settings.SAFEPASSAGE_ROLE = "worker"
    with pytest.raises(SecretKeyUnavailable, match="SAFEPASSAGE_KEY_FILE"):
        runtime.get_keyring()
    with pytest.raises(KeyFileError):
        runtime.get_public_keyring()


def test_passphrase_not_set(role_settings: SettingsWrapper, keyfile: KeyFile) -> None:
    role_settings.SAFEPASSAGE_ROLE = "worker"
    role_settings.SAFEPASSAGE_KEY_FILE = keyfile.path
    with pytest.raises(SecretKeyUnavailable, match=PASSPHRASE_ENV):
        runtime.get_keyring()


def test_wrong_passphrase_is_not_cached(
    role_settings: SettingsWrapper, keyfile: KeyFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    role_settings.SAFEPASSAGE_ROLE = "worker"
    role_settings.SAFEPASSAGE_KEY_FILE = keyfile.path
    monkeypatch.setenv(PASSPHRASE_ENV, "wrong")
    with pytest.raises(WrongPassphrase):
        runtime.get_keyring()
    monkeypatch.setenv(PASSPHRASE_ENV, keyfile.passphrase)
    assert runtime.get_keyring() == keyfile.keyring


def test_console_with_public_key_file_only(
    role_settings: SettingsWrapper, keyfile: KeyFile, public_path: Path
) -> None:
    role_settings.SAFEPASSAGE_ROLE = "console"
    role_settings.SAFEPASSAGE_PUBLIC_KEY_FILE = public_path
    assert runtime.get_public_keyring() == keyfile.keyring.public
    with pytest.raises(SecretKeyUnavailable):
        runtime.get_keyring()


def test_installed_keys_win_until_reset(
    role_settings: SettingsWrapper, keyring: Keyring, other_keyring: Keyring
) -> None:
    role_settings.SAFEPASSAGE_ROLE = "worker"
    runtime.install_keyring(keyring)
    assert runtime.get_keyring() is keyring
    assert runtime.get_public_keyring() is keyring.public
    with pytest.raises(ValueError, match="does not belong"):
        runtime.install_keyring(keyring, other_keyring.public)
    runtime.install_keyring(None)
    with pytest.raises(SecretKeyUnavailable):
        runtime.get_keyring()
    with pytest.raises(KeyFileError):
        runtime.get_public_keyring()
    runtime.reset()
    with pytest.raises(SecretKeyUnavailable, match="SAFEPASSAGE_KEY_FILE"):
        runtime.get_keyring()


def test_concurrent_first_use_loads_once(
    role_settings: SettingsWrapper, keyfile: KeyFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    role_settings.SAFEPASSAGE_ROLE = "worker"
    role_settings.SAFEPASSAGE_KEY_FILE = keyfile.path
    monkeypatch.setenv(PASSPHRASE_ENV, keyfile.passphrase)
    results: list[Keyring] = []
    start = threading.Barrier(8)

    def load() -> None:
        start.wait()
        results.append(runtime.get_keyring())

    threads = [threading.Thread(target=load) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 8
    assert all(result is results[0] for result in results)
