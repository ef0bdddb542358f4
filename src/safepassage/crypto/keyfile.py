"""The programme's key file: secret keys sealed under a passphrase, public part in clear.

Layout (JSON)::

    {"format": "safepassage-keyfile", "version": 1,
     "public": {active_key_id, public_keys, receipt_salt, receipt_params, verify_key},
     "kdf": {"alg": "argon2id", "salt", "opslimit", "memlimit", "check"},
     "sealed": b64(SecretBox(key).encrypt(json of the secrets and a copy of "public"))}

Argon2id yields 64 bytes: the first 32 are the SecretBox key, the hash of the last 32 is
``check``.  ``check`` tells a wrong passphrase apart from a damaged file without making
guessing any cheaper (each guess still costs one Argon2id run).

The public key file handed to the intake tier is ``{"format":
"safepassage-public-keyfile", "version": 1, "public": {...}}`` without the verify key.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import nacl.exceptions
import nacl.pwhash.argon2id as argon2id
from nacl.secret import SecretBox

from safepassage.crypto import _keyfile_codec as codec
from safepassage.crypto._files import atomic_write, read_bounded
from safepassage.crypto.errors import KeyFileCorrupt, KeyFileError, WrongPassphrase
from safepassage.crypto.keys import (
    Keyring,
    PublicKeyring,
    ReceiptParams,
    new_keyring,
    with_new_generation,
)

SECRET_FILE_MODE = 0o600
PUBLIC_FILE_MODE = 0o644
CHECK_SIZE = 16
# Bounds on the KDF cost read from a file: a tampered file must not make unlocking
# hang for hours or try to allocate terabytes.
MAX_KDF_OPSLIMIT = 64
MAX_KDF_MEMLIMIT = 4 * 1024 * 1024 * 1024


@dataclass(frozen=True)
class _Kdf:
    salt: bytes
    opslimit: int
    memlimit: int
    check: bytes
    key: bytes

    def describe(self) -> codec.JsonObject:
        return {
            "alg": "argon2id",
            "salt": codec.b64(self.salt),
            "opslimit": self.opslimit,
            "memlimit": self.memlimit,
            "check": codec.b64(self.check),
        }


def _passphrase_bytes(passphrase: str) -> bytes:
    if not passphrase:
        raise KeyFileError("the key file passphrase must not be empty")
    # NFC so the same passphrase typed on another system (composed vs decomposed
    # accents) still unlocks the file.
    return unicodedata.normalize("NFC", passphrase).encode("utf-8", "surrogatepass")


def _derive(passphrase: str, salt: bytes, opslimit: int, memlimit: int) -> _Kdf:
    out = argon2id.kdf(
        64, _passphrase_bytes(passphrase), salt, opslimit=opslimit, memlimit=memlimit
    )
    check = hashlib.blake2b(out[32:], digest_size=CHECK_SIZE).digest()
    return _Kdf(salt=salt, opslimit=opslimit, memlimit=memlimit, check=check, key=out[:32])


def _new_kdf(passphrase: str, opslimit: int, memlimit: int) -> _Kdf:
    if not argon2id.OPSLIMIT_MIN <= opslimit <= MAX_KDF_OPSLIMIT:
        raise ValueError("kdf opslimit out of range")
    if not argon2id.MEMLIMIT_MIN <= memlimit <= MAX_KDF_MEMLIMIT:
        raise ValueError("kdf memlimit out of range")
    return _derive(passphrase, secrets.token_bytes(argon2id.SALTBYTES), opslimit, memlimit)


def _serialise(keyring: Keyring, kdf: _Kdf) -> bytes:
    secret_json = json.dumps(codec.encode_secrets(keyring), separators=(",", ":"))
    sealed = SecretBox(kdf.key).encrypt(secret_json.encode("utf-8"))
    document = {
        "format": codec.FORMAT,
        "version": codec.VERSION,
        "public": codec.encode_full_public(keyring),
        "kdf": kdf.describe(),
        "sealed": codec.b64(sealed),
    }
    return (json.dumps(document, indent=2) + "\n").encode("utf-8")


@contextmanager
def _corrupt_unless_well_formed(path: Path) -> Iterator[None]:
    # Decoders raise ValueError/TypeError on anything unexpected; callers only need to
    # know the file is unusable, and the details could quote file content.
    try:
        yield
    except (ValueError, TypeError, KeyError, RecursionError):
        raise KeyFileCorrupt(f"key file {path} is corrupt") from None


def _read_document(path: Path) -> codec.JsonObject:
    raw = read_bounded(path)
    with _corrupt_unless_well_formed(path):
        document = json.loads(raw.decode("utf-8"))
    if not isinstance(document, dict) or document.get("format") not in {
        codec.FORMAT,
        codec.PUBLIC_FORMAT,
    }:
        raise KeyFileCorrupt(f"{path} is not a SafePassage key file")
    if document.get("version") != codec.VERSION:
        raise KeyFileCorrupt(f"key file {path} has an unsupported version")
    return document


def _unlock(path: Path, passphrase: str) -> tuple[Keyring, _Kdf]:
    document = _read_document(path)
    if document["format"] != codec.FORMAT:
        raise KeyFileCorrupt(f"{path} holds no secret keys (it is a public key file)")
    # Parse everything before running Argon2id, so a damaged file fails fast.
    with _corrupt_unless_well_formed(path):
        outer_public = codec.get_object(document, "public")
        kdf_obj = codec.get_object(document, "kdf")
        if kdf_obj.get("alg") != "argon2id":
            raise ValueError("kdf.alg")
        salt = codec.decode_b64(kdf_obj.get("salt"), argon2id.SALTBYTES)
        opslimit = codec.get_int(kdf_obj, "opslimit", argon2id.OPSLIMIT_MIN, MAX_KDF_OPSLIMIT)
        memlimit = codec.get_int(kdf_obj, "memlimit", argon2id.MEMLIMIT_MIN, MAX_KDF_MEMLIMIT)
        check = codec.decode_b64(kdf_obj.get("check"), CHECK_SIZE)
        sealed = codec.decode_b64(document.get("sealed"))
    kdf = _derive(passphrase, salt, opslimit, memlimit)
    if not hmac.compare_digest(kdf.check, check):
        raise WrongPassphrase(f"wrong passphrase for key file {path}")
    try:
        secret_json = SecretBox(kdf.key).decrypt(sealed)
    except (nacl.exceptions.CryptoError, ValueError):
        raise KeyFileCorrupt(f"the sealed part of key file {path} is damaged") from None
    with _corrupt_unless_well_formed(path):
        secrets_obj = json.loads(secret_json.decode("utf-8"))
        if not isinstance(secrets_obj, dict):
            raise ValueError("sealed part")
        if secrets_obj.get("public") != outer_public:
            raise KeyFileCorrupt(f"the public part of key file {path} does not match its secrets")
        keyring = codec.decode_secrets(secrets_obj)
    return keyring, kdf


def create_keyfile(
    path: Path,
    passphrase: str,
    *,
    kdf_opslimit: int = argon2id.OPSLIMIT_MODERATE,
    kdf_memlimit: int = argon2id.MEMLIMIT_MODERATE,
    receipt_params: ReceiptParams = ReceiptParams(),  # noqa: B008 - frozen, so sharing is safe
) -> Keyring:
    """Generate a new keyring and write it to ``path`` (mode 0600), sealed by ``passphrase``.

    Refuses to overwrite an existing file: losing the old secret keys would make every
    stored value unreadable.
    """
    _passphrase_bytes(passphrase)
    if path.exists():
        raise KeyFileError(f"{path} already exists; refusing to overwrite it")
    kdf = _new_kdf(passphrase, kdf_opslimit, kdf_memlimit)
    keyring = new_keyring(receipt_params)
    atomic_write(path, _serialise(keyring, kdf), mode=SECRET_FILE_MODE, overwrite=False)
    return keyring


def load_keyring(path: Path, passphrase: str) -> Keyring:
    """Unlock the key file at ``path``.

    Raises KeyFileMissing, KeyFileCorrupt (malformed, or public and sealed parts
    disagree) or WrongPassphrase.
    """
    keyring, _ = _unlock(path, passphrase)
    return keyring


def rotate_keyfile(path: Path, passphrase: str) -> Keyring:
    """Add a new active keypair to the key file; older secret keys stay for reading.

    The index key, signing key and receipt salt are unchanged, so blind indexes and
    receipts stay valid.  Returns the rotated keyring.
    """
    keyring, kdf = _unlock(path, passphrase)
    rotated = with_new_generation(keyring)
    atomic_write(path, _serialise(rotated, kdf), mode=SECRET_FILE_MODE, overwrite=True)
    return rotated


def change_passphrase(path: Path, old: str, new: str) -> None:
    """Re-seal the key file under ``new`` (fresh salt, same Argon2id cost)."""
    _passphrase_bytes(new)
    keyring, kdf = _unlock(path, old)
    fresh = _new_kdf(new, kdf.opslimit, kdf.memlimit)
    atomic_write(path, _serialise(keyring, fresh), mode=SECRET_FILE_MODE, overwrite=True)


def is_full_keyfile(path: Path) -> bool:
    """True when ``path`` holds (or claims to hold) sealed secret keys.

    The intake tier calls this to refuse to start when handed the secret key file.
    """
    document = _read_document(path)
    return document["format"] == codec.FORMAT or "sealed" in document


def write_public_keyfile(public: PublicKeyring, path: Path) -> None:
    """Write the public key file for the intake tier (mode 0644; nothing secret in it).

    Replaces an older public key file (after a rotation), but never anything else:
    overwriting the full key file by mistake would destroy the secret keys.
    """
    if path.exists():
        try:
            replaceable = not is_full_keyfile(path)
        except KeyFileError:
            replaceable = False
        if not replaceable:
            raise KeyFileError(
                f"{path} exists and is not a public key file; refusing to replace it"
            )
    document = {
        "format": codec.PUBLIC_FORMAT,
        "version": codec.VERSION,
        "public": codec.encode_public(public),
    }
    data = (json.dumps(document, indent=2) + "\n").encode("utf-8")
    atomic_write(path, data, mode=PUBLIC_FILE_MODE, overwrite=True)


def load_public_keyfile(path: Path) -> PublicKeyring:
    """Read the public keyring from a public key file or from a full key file's public part.

    No passphrase is needed and nothing secret is read.  (The intake tier must not be
    given a full key file at all; ``runtime`` enforces that with ``is_full_keyfile``.)
    """
    document = _read_document(path)
    with _corrupt_unless_well_formed(path):
        return codec.decode_public(codec.get_object(document, "public"))
