"""The programme's key file: secret keys sealed under a passphrase, public part in clear.

Layout (JSON)::

    {"format": "safepassage-keyfile", "version": 1,
     "public": {active_key_id, public_keys, receipt_salt, receipt_params, verify_key},
     "kdf": {"alg": "argon2id", "salt", "opslimit", "memlimit", "check"},
     "sealed": b64(SecretBox(key).encrypt(json of the secrets and a copy of "public")),
     "recovery": {"alg": "slip39-secretbox", "check", "sealed"}}   (after ``keys split``)

Argon2id yields 64 bytes: the first 32 are the SecretBox key, the hash of the last 32 is
``check``.  ``check`` tells a wrong passphrase apart from a damaged file without making
guessing any cheaper (each guess still costs one Argon2id run).

``recovery`` (``crypto.recovery``) is the same secrets sealed a second time, under the
recovery key that the officers' SLIP-39 shares rebuild, so the file can be reopened
when the passphrase is lost.

The public key file handed to the intake tier is ``{"format":
"safepassage-public-keyfile", "version": 1, "public": {...}}``; it names the signing
verify keys (current and retired) so that it is also what the programme publishes.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import nacl.exceptions
import nacl.pwhash.argon2id as argon2id
from nacl.secret import SecretBox
from nacl.signing import VerifyKey

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
RECOVERY_ALG = "slip39-secretbox"
_RECOVERY_CHECK_PERSON = b"sp-recovery-chk"
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


def recovery_check(recovery_key: bytes) -> bytes:
    """What the key file stores to tell the right recovery key from a wrong one."""
    return hashlib.blake2b(
        recovery_key, digest_size=CHECK_SIZE, person=_RECOVERY_CHECK_PERSON
    ).digest()


def _serialise(keyring: Keyring, kdf: _Kdf) -> bytes:
    secret_json = json.dumps(codec.encode_secrets(keyring), separators=(",", ":")).encode()
    sealed = SecretBox(kdf.key).encrypt(secret_json)
    document: codec.JsonObject = {
        "format": codec.FORMAT,
        "version": codec.VERSION,
        "public": codec.encode_full_public(keyring),
        "kdf": kdf.describe(),
        "sealed": codec.b64(sealed),
    }
    if keyring.recovery_key is not None:
        # Re-sealed on every write, so a file rotated after the split still recovers
        # with the same shares, into its current keys.
        document["recovery"] = {
            "alg": RECOVERY_ALG,
            "check": codec.b64(recovery_check(keyring.recovery_key)),
            "sealed": codec.b64(SecretBox(keyring.recovery_key).encrypt(secret_json)),
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


def _open_secrets(path: Path, outer_public: codec.JsonObject, secret_json: bytes) -> Keyring:
    with _corrupt_unless_well_formed(path):
        secrets_obj = json.loads(secret_json.decode("utf-8"))
        if not isinstance(secrets_obj, dict):
            raise ValueError("sealed part")
        if secrets_obj.get("public") != outer_public:
            raise KeyFileCorrupt(f"the public part of key file {path} does not match its secrets")
        return codec.decode_secrets(secrets_obj)


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
    return _open_secrets(path, outer_public, secret_json), kdf


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


def update_keyfile(path: Path, passphrase: str, change: Callable[[Keyring], Keyring]) -> Keyring:
    """Unlock the key file, apply ``change`` to its keyring and write the result back
    (same passphrase and KDF cost; atomic, so a crash leaves the old or the new file).
    Returns the new keyring."""
    keyring, kdf = _unlock(path, passphrase)
    changed = change(keyring)
    atomic_write(path, _serialise(changed, kdf), mode=SECRET_FILE_MODE, overwrite=True)
    return changed


def recover_keyfile(
    path: Path, recovery_key: bytes, new_passphrase: str, *, output: Path | None = None
) -> Keyring:
    """Open the key file's recovery copy with ``recovery_key`` and write a working key
    file sealed by ``new_passphrase`` (fresh salt, the file's Argon2id cost) to
    ``output``, or in place of ``path``.  The recovery copy is kept, so the same shares
    recover the new file too.

    Raises KeyFileCorrupt if the file has no recovery copy, WrongPassphrase if the
    recovery key is not this file's.
    """
    _passphrase_bytes(new_passphrase)
    document = _read_document(path)
    if document["format"] != codec.FORMAT:
        raise KeyFileCorrupt(f"{path} holds no secret keys (it is a public key file)")
    if "recovery" not in document:
        raise KeyFileCorrupt(f"key file {path} has no recovery copy (run keys split first)")
    with _corrupt_unless_well_formed(path):
        outer_public = codec.get_object(document, "public")
        recovery = codec.get_object(document, "recovery")
        if recovery.get("alg") != RECOVERY_ALG:
            raise ValueError("recovery.alg")
        check = codec.decode_b64(recovery.get("check"), CHECK_SIZE)
        sealed = codec.decode_b64(recovery.get("sealed"))
        kdf_obj = document.get("kdf")
        opslimit, memlimit = argon2id.OPSLIMIT_MODERATE, argon2id.MEMLIMIT_MODERATE
        if isinstance(kdf_obj, dict):
            opslimit = codec.get_int(kdf_obj, "opslimit", argon2id.OPSLIMIT_MIN, MAX_KDF_OPSLIMIT)
            memlimit = codec.get_int(kdf_obj, "memlimit", argon2id.MEMLIMIT_MIN, MAX_KDF_MEMLIMIT)
    if not hmac.compare_digest(recovery_check(recovery_key), check):
        raise WrongPassphrase(f"the shares do not recover key file {path}")
    try:
        secret_json = SecretBox(recovery_key).decrypt(sealed)
    except (nacl.exceptions.CryptoError, ValueError):
        raise KeyFileCorrupt(f"the recovery copy in key file {path} is damaged") from None
    keyring = _open_secrets(path, outer_public, secret_json)
    if keyring.recovery_key != recovery_key:
        raise KeyFileCorrupt(f"the recovery copy in key file {path} is damaged")
    kdf = _new_kdf(new_passphrase, opslimit, memlimit)
    target = output if output is not None else path
    atomic_write(target, _serialise(keyring, kdf), mode=SECRET_FILE_MODE, overwrite=output is None)
    return keyring


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


def write_public_keyfile(
    public: PublicKeyring, path: Path, *, verify_keys: Sequence[VerifyKey] = ()
) -> None:
    """Write the public key file for the intake tier (mode 0644; nothing secret in it).

    ``verify_keys`` (the current signing verify key first, then retired ones) are
    published with it, so old bureau batches can be checked after a signing rotation.

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
    public_obj = codec.encode_public(public)
    if verify_keys:
        public_obj.update(codec.encode_verify_keys(verify_keys[0], tuple(verify_keys[1:])))
    document = {
        "format": codec.PUBLIC_FORMAT,
        "version": codec.VERSION,
        "public": public_obj,
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


def load_verify_keys(path: Path) -> list[VerifyKey]:
    """The signing verify keys a key file or public key file names: current first, then
    retired ones.  ``[]`` for a public key file written without them."""
    document = _read_document(path)
    with _corrupt_unless_well_formed(path):
        public_obj = codec.get_object(document, "public")
        if public_obj.get("verify_key") is None:
            return []
        current = VerifyKey(codec.decode_b64(public_obj.get("verify_key"), codec.KEY_SIZE))
        return [current, *codec.decode_previous_verify_keys(public_obj)]
