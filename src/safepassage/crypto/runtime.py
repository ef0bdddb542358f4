"""The process's keys, loaded once on first use (or installed by the CLI after unlocking).

The role decides what may be loaded: the intake tier reads the public key file only and
refuses to start if it is given secret key material; console and worker unlock the
full key file with the passphrase from the environment.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from safepassage.crypto.errors import (
    IntakeGivenSecretKey,
    KeyFileError,
    SecretKeyUnavailable,
)
from safepassage.crypto.keyfile import is_full_keyfile, load_keyring, load_public_keyfile
from safepassage.crypto.keys import Keyring, PublicKeyring

__all__ = [
    "IntakeGivenSecretKey",
    "get_keyring",
    "get_public_keyring",
    "install_keyring",
    "reset",
]

INTAKE = "intake"
DEFAULT_PASSPHRASE_ENV = "SAFEPASSAGE_KEY_PASSPHRASE"  # noqa: S105 - a variable name, not a secret


@dataclass
class _State:
    # installed: keys were put here explicitly, so settings are never consulted.
    installed: bool = False
    keyring: Keyring | None = None
    public: PublicKeyring | None = None


_lock = threading.Lock()
_state = _State()


def _role() -> str:
    return str(getattr(settings, "SAFEPASSAGE_ROLE", "all"))


def _setting_path(name: str) -> Path | None:
    value = getattr(settings, name, None)
    return Path(value) if value else None


def _passphrase_variable() -> str:
    return str(getattr(settings, "SAFEPASSAGE_KEY_PASSPHRASE_ENV", DEFAULT_PASSPHRASE_ENV))


def _intake_public_key_file() -> Path:
    if _setting_path("SAFEPASSAGE_KEY_FILE") is not None:
        raise IntakeGivenSecretKey(
            "the intake tier must not be configured with SAFEPASSAGE_KEY_FILE"
        )
    # The passphrase alone is half the secret key: a seized intake must not hold it,
    # even if the key file itself is elsewhere.
    variable = _passphrase_variable()
    if os.environ.get(variable):
        raise IntakeGivenSecretKey(
            f"the intake tier must not be given the key passphrase ({variable})"
        )
    path = _setting_path("SAFEPASSAGE_PUBLIC_KEY_FILE")
    if path is None:
        raise KeyFileError("no public key file is configured (SAFEPASSAGE_PUBLIC_KEY_FILE)")
    if is_full_keyfile(path):
        raise IntakeGivenSecretKey(
            f"{path} holds secret keys; give the intake tier the public key file only"
        )
    return path


def _load_keyring_locked() -> Keyring:
    if _state.keyring is None:
        if _state.installed:
            raise SecretKeyUnavailable("no secret keys are installed in this process")
        path = _setting_path("SAFEPASSAGE_KEY_FILE")
        if path is None:
            raise SecretKeyUnavailable("no key file is configured (SAFEPASSAGE_KEY_FILE)")
        variable = _passphrase_variable()
        passphrase = os.environ.get(variable, "")
        if not passphrase:
            raise SecretKeyUnavailable(
                f"the key file passphrase is not set (environment variable {variable})"
            )
        _state.keyring = load_keyring(path, passphrase)
        _state.public = _state.keyring.public
    return _state.keyring


def get_keyring() -> Keyring:
    """The full keyring; SecretKeyUnavailable in the intake tier or when none is configured."""
    if _role() == INTAKE:
        raise SecretKeyUnavailable("the intake tier holds no secret keys")
    with _lock:
        return _load_keyring_locked()


def get_public_keyring() -> PublicKeyring:
    """The public keyring, for sealing.

    Intake: from the public key file only (IntakeGivenSecretKey if handed secrets).
    Console/worker: from the unlocked key file when one is configured (its public part
    is then authenticated), else from the public key file.
    """
    with _lock:
        if _state.public is not None:
            return _state.public
        if _state.installed:
            raise KeyFileError("no public key is installed in this process")
        if _role() == INTAKE:
            _state.public = load_public_keyfile(_intake_public_key_file())
        elif _setting_path("SAFEPASSAGE_KEY_FILE") is not None:
            _state.public = _load_keyring_locked().public
        else:
            path = _setting_path("SAFEPASSAGE_PUBLIC_KEY_FILE")
            if path is None:
                raise KeyFileError("no key file is configured (SAFEPASSAGE_KEY_FILE)")
            _state.public = load_public_keyfile(path)
        return _state.public


def install_keyring(keyring: Keyring | None, public: PublicKeyring | None = None) -> None:
    """Use exactly these keys from now on (the CLI after unlocking; tests).

    ``public`` defaults to the keyring's public part.  Installing secret keys in the
    intake tier raises IntakeGivenSecretKey.
    """
    if keyring is not None and _role() == INTAKE:
        raise IntakeGivenSecretKey("the intake tier must not hold secret keys")
    if keyring is not None and public is not None and public != keyring.public:
        raise ValueError("the public keyring does not belong to the keyring")
    with _lock:
        _state.installed = True
        _state.keyring = keyring
        _state.public = public if public is not None else (keyring.public if keyring else None)


def reset() -> None:
    """Forget all keys; the next use loads them from settings again."""
    with _lock:
        _state.installed = False
        _state.keyring = None
        _state.public = None
