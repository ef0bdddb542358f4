"""Signed chain heads: what is signed, how a head is written to the witness file, and
how heads are read back (from the file and from the database) and checked.

A head says "the chain had ``seq`` events and the last one hashed to ``hash``", signed
with the programme's Ed25519 signing key.  The signed bytes begin with a fixed tag, so a
head signature can never pass for the signature of a bureau batch (a JSON document
beginning with ``{``) made with the same key, nor the other way round.

Witness file: one JSON object per line, appended, never rewritten::

    {"format": "safepassage-audit-head", "version": 1, "seq": 42, "hash": "…",
     "signed_at": "2026-12-02T18:00:00.000000Z", "signature": "<base64>"}
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass
from pathlib import Path

import nacl.exceptions
from django.conf import settings
from nacl.signing import VerifyKey

from safepassage.audit.models import AuditSignedHead

WITNESS_FORMAT = "safepassage-audit-head"
WITNESS_VERSION = 1
_SIGNED_TAG = b"safepassage audit head v1\n"
_HEX64 = re.compile(r"[0-9a-f]{64}")
_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z")
# A witness file is a few hundred bytes per signature; refuse to read a wrong path
# (a disk image, a database) into memory.
MAX_WITNESS_SIZE = 256 * 1024 * 1024


class WitnessError(Exception):
    """The witness file cannot be read, or a line in it is not a signed head.

    The message names the file and line only (it holds no personal data anyway).
    """


@dataclass(frozen=True)
class SignedHead:
    """One signed head and where it was found ("witness line 3", "database row 7")."""

    seq: int
    hash: str
    signed_at: str
    signature: str
    source: str

    def message(self) -> bytes:
        """The exact bytes the signature covers."""
        return signed_message(self.seq, self.hash, self.signed_at)

    def witness_line(self) -> str:
        """The line appended to the witness file (no trailing newline)."""
        return json.dumps(
            {
                "format": WITNESS_FORMAT,
                "version": WITNESS_VERSION,
                "seq": self.seq,
                "hash": self.hash,
                "signed_at": self.signed_at,
                "signature": self.signature,
            },
            sort_keys=True,
            separators=(",", ":"),
        )

    def signature_verifies(self, verify_key: VerifyKey) -> bool:
        """Whether the signature is the programme key's over this head."""
        try:
            raw = base64.b64decode(self.signature.encode("ascii"), validate=True)
            verify_key.verify(self.message(), raw)
        except (binascii.Error, ValueError, nacl.exceptions.BadSignatureError):
            return False
        return True


def signed_message(seq: int, head_hash: str, signed_at: str) -> bytes:
    """The bytes signed for a head: a tag, then count, hash and time, one per line."""
    return _SIGNED_TAG + f"{seq}\n{head_hash}\n{signed_at}\n".encode("ascii")


def configured_witness_file() -> Path | None:
    """``SAFEPASSAGE_AUDIT_WITNESS_FILE``, or ``None`` when no witness file is set."""
    value = getattr(settings, "SAFEPASSAGE_AUDIT_WITNESS_FILE", None)
    return Path(value) if value else None


def _head_from_object(obj: object, source: str) -> SignedHead:
    if not isinstance(obj, dict) or obj.get("format") != WITNESS_FORMAT:
        raise ValueError(source)
    seq, head_hash, signed_at, signature = (
        obj.get("seq"),
        obj.get("hash"),
        obj.get("signed_at"),
        obj.get("signature"),
    )
    if (
        obj.get("version") != WITNESS_VERSION
        or isinstance(seq, bool)
        or not isinstance(seq, int)
        or seq < 0
        or not isinstance(head_hash, str)
        or not _HEX64.fullmatch(head_hash)
        or not isinstance(signed_at, str)
        or not _TIME.fullmatch(signed_at)
        or not isinstance(signature, str)
    ):
        raise ValueError(source)
    return SignedHead(seq, head_hash, signed_at, signature, source)


def read_witness(path: Path) -> list[SignedHead]:
    """Every head in the witness file at ``path``, in file order.

    WitnessError if the file cannot be read or a line is not a well-formed head.
    """
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_WITNESS_SIZE + 1)
    except FileNotFoundError:
        raise WitnessError(f"witness file {path} does not exist") from None
    except OSError as error:
        raise WitnessError(f"cannot read witness file {path}: {error.strerror}") from None
    if len(data) > MAX_WITNESS_SIZE:
        raise WitnessError(f"witness file {path} is too large")
    heads = []
    for number, raw in enumerate(data.split(b"\n"), start=1):
        if not raw.strip():
            continue
        source = f"witness line {number}"
        try:
            heads.append(_head_from_object(json.loads(raw), source))
        except (ValueError, UnicodeDecodeError):
            raise WitnessError(f"{source} of {path} is not a signed audit head") from None
    return heads


def database_heads() -> list[SignedHead]:
    """The heads stored in the database.

    WitnessError if a row is not a well-formed head (a database insider edited it).
    """
    heads = []
    rows = AuditSignedHead.objects.order_by("seq", "id").values_list(
        "id", "seq", "hash", "signed_at", "signature"
    )
    for row_id, seq, head_hash, signed_at, signature in rows:
        source = f"database head {row_id}"
        fields = {"seq": seq, "hash": head_hash, "signed_at": signed_at, "signature": signature}
        try:
            heads.append(
                _head_from_object(
                    {"format": WITNESS_FORMAT, "version": WITNESS_VERSION, **fields}, source
                )
            )
        except ValueError:
            raise WitnessError(f"{source} is not a signed audit head") from None
    return heads
