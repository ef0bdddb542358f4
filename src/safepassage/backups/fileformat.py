"""The backup file: a small versioned header, then a libsodium secretstream.

Layout (version 1)::

    b"SPBACKUP" | version [1] | meta length [4, big-endian] | meta (UTF-8 JSON)
    | key id [8] | SealedBox(stream key) [80] | secretstream header [24]
    | frames: length [4, big-endian] | secretstream ciphertext (chunk + 17)

The stream key is random per backup and sealed to the programme's active public key,
so only the public key is needed to write a backup.  The plaintext (a SQLite file or a
``pg_dump`` script) is zlib-compressed, cut into 64 KiB chunks and pushed through
XChaCha20-Poly1305 secretstream; everything before the first frame is that frame's
additional data, so an altered header fails authentication.  The last frame carries
``TAG_FINAL``: a file cut short at any point, or with bytes after the final frame, is
refused.  The meta is readable without the secret key (database kind, migrations,
time, key id — nothing personal) so a restore can refuse a wrong backup early; it is
authenticated once the first frame is opened.
"""

from __future__ import annotations

import json
import struct
import zlib
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import BinaryIO

import nacl.exceptions
from nacl.bindings import (
    crypto_secretstream_xchacha20poly1305_ABYTES,
    crypto_secretstream_xchacha20poly1305_HEADERBYTES,
    crypto_secretstream_xchacha20poly1305_init_pull,
    crypto_secretstream_xchacha20poly1305_init_push,
    crypto_secretstream_xchacha20poly1305_keygen,
    crypto_secretstream_xchacha20poly1305_pull,
    crypto_secretstream_xchacha20poly1305_push,
    crypto_secretstream_xchacha20poly1305_state,
    crypto_secretstream_xchacha20poly1305_TAG_FINAL,
    crypto_secretstream_xchacha20poly1305_TAG_MESSAGE,
)
from nacl.public import SealedBox

from safepassage.backups.errors import BackupError
from safepassage.crypto.keys import KEY_ID_SIZE, Keyring, PublicKeyring

MAGIC = b"SPBACKUP"
FORMAT_VERSION = 1
CHUNK_SIZE = 64 * 1024
WRAPPED_KEY_SIZE = 80  # SealedBox: ephemeral key 32 + MAC 16 + stream key 32
MAX_META_SIZE = 64 * 1024
_U32 = struct.Struct(">I")
_MAX_FRAME = CHUNK_SIZE + crypto_secretstream_xchacha20poly1305_ABYTES
_DAMAGED = "the backup file is damaged or was altered; nothing was restored"
_TRUNCATED = "the backup file is incomplete (cut short); nothing was restored"


@dataclass(frozen=True)
class BackupMeta:
    """What a backup holds, readable before decryption; identifiers only."""

    database: str  # "sqlite" or "postgresql"
    dump_format: str  # "sqlite3-online-backup" or "pg_dump-plain"
    server_version: str  # PostgreSQL server version; "" for SQLite
    migrations: list[str]  # applied migrations, "app.name", sorted
    created_at: str  # ISO 8601, UTC
    key_id: str  # hex id of the programme key the stream key is sealed to

    def to_bytes(self) -> bytes:
        """Canonical JSON of the meta."""
        return json.dumps(asdict(self), sort_keys=True, separators=(",", ":")).encode()

    @classmethod
    def from_bytes(cls, data: bytes) -> BackupMeta:
        """Parse the meta; BackupError if it is not what a backup writes."""
        try:
            raw = json.loads(data.decode("utf-8"))
            meta = cls(**raw)
        except (ValueError, TypeError):
            raise BackupError(_DAMAGED) from None
        if not isinstance(meta.migrations, list) or not all(
            isinstance(name, str) for name in meta.migrations
        ):
            raise BackupError(_DAMAGED)
        return meta


@dataclass(frozen=True)
class BackupHeader:
    """The parsed prefix of a backup file."""

    meta: BackupMeta
    key_id: bytes
    wrapped_key: bytes
    stream_header: bytes
    prefix: bytes  # every byte before the first frame: the first frame's additional data


class BackupWriter:
    """Encrypts a byte stream into a backup file written to ``out``."""

    def __init__(self, out: BinaryIO, meta: BackupMeta, public: PublicKeyring) -> None:
        key = crypto_secretstream_xchacha20poly1305_keygen()
        self._state = crypto_secretstream_xchacha20poly1305_state()
        stream_header = crypto_secretstream_xchacha20poly1305_init_push(self._state, key)
        wrapped = SealedBox(public.active_public_key).encrypt(key)
        meta_bytes = meta.to_bytes()
        prefix = (
            MAGIC
            + bytes([FORMAT_VERSION])
            + _U32.pack(len(meta_bytes))
            + meta_bytes
            + public.active_key_id
            + wrapped
            + stream_header
        )
        out.write(prefix)
        self._out = out
        self._ad: bytes | None = prefix
        self._compressor = zlib.compressobj(6)
        self._pending = bytearray()
        self.written = len(prefix)

    def write(self, data: bytes) -> None:
        """Compress and encrypt ``data``; full chunks are written at once."""
        self._pending += self._compressor.compress(data)
        while len(self._pending) >= CHUNK_SIZE:
            self._push(bytes(self._pending[:CHUNK_SIZE]), final=False)
            del self._pending[:CHUNK_SIZE]

    def finish(self) -> None:
        """Write the last chunk with the final tag; without it a restore refuses the file."""
        self._pending += self._compressor.flush()
        while len(self._pending) > CHUNK_SIZE:
            self._push(bytes(self._pending[:CHUNK_SIZE]), final=False)
            del self._pending[:CHUNK_SIZE]
        self._push(bytes(self._pending), final=True)
        self._pending.clear()

    def _push(self, chunk: bytes, *, final: bool) -> None:
        tag = (
            crypto_secretstream_xchacha20poly1305_TAG_FINAL
            if final
            else crypto_secretstream_xchacha20poly1305_TAG_MESSAGE
        )
        frame = crypto_secretstream_xchacha20poly1305_push(self._state, chunk, self._ad, tag)
        self._ad = None
        self._out.write(_U32.pack(len(frame)) + frame)
        self.written += _U32.size + len(frame)


def _read_exact(handle: BinaryIO, size: int) -> bytes:
    data = handle.read(size)
    if len(data) != size:
        raise BackupError(_TRUNCATED)
    return data


def read_header(handle: BinaryIO) -> BackupHeader:
    """Parse a backup's header; BackupError if the file is not a backup of this format."""
    magic = handle.read(len(MAGIC))
    if magic != MAGIC:
        raise BackupError("this file is not a SafePassage backup")
    version = _read_exact(handle, 1)[0]
    if version != FORMAT_VERSION:
        raise BackupError(f"backup format version {version} is not supported by this version")
    (meta_size,) = _U32.unpack(_read_exact(handle, _U32.size))
    if meta_size > MAX_META_SIZE:
        raise BackupError(_DAMAGED)
    meta_bytes = _read_exact(handle, meta_size)
    meta = BackupMeta.from_bytes(meta_bytes)
    key_id = _read_exact(handle, KEY_ID_SIZE)
    wrapped = _read_exact(handle, WRAPPED_KEY_SIZE)
    stream_header = _read_exact(handle, crypto_secretstream_xchacha20poly1305_HEADERBYTES)
    prefix = MAGIC + bytes([version]) + _U32.pack(meta_size) + meta_bytes
    prefix += key_id + wrapped + stream_header
    return BackupHeader(meta, key_id, wrapped, stream_header, prefix)


def unwrap_stream_key(header: BackupHeader, keyring: Keyring) -> bytes:
    """The backup's stream key, opened with the programme secret key it was sealed to."""
    secret_key = keyring.secret_keys.get(header.key_id)
    if secret_key is None:
        raise BackupError(
            f"the backup is encrypted to programme key {header.key_id.hex()}, "
            "which this key file does not hold"
        )
    try:
        return SealedBox(secret_key).decrypt(header.wrapped_key)
    except nacl.exceptions.CryptoError:
        raise BackupError(_DAMAGED) from None


def decrypt_stream(handle: BinaryIO, header: BackupHeader, key: bytes) -> Iterator[bytes]:
    """Yield the decompressed plaintext of a backup, chunk by chunk.

    The generator ends normally only after the final frame authenticated, the
    compressed stream ended and no byte follows; anything else raises BackupError, so
    a consumer must commit what it wrote only once the generator is exhausted.
    """
    state = crypto_secretstream_xchacha20poly1305_state()
    crypto_secretstream_xchacha20poly1305_init_pull(state, header.stream_header, key)
    decompressor = zlib.decompressobj()
    ad: bytes | None = header.prefix
    while True:
        length_bytes = handle.read(_U32.size)
        if len(length_bytes) < _U32.size:
            raise BackupError(_TRUNCATED)
        (length,) = _U32.unpack(length_bytes)
        if not crypto_secretstream_xchacha20poly1305_ABYTES <= length <= _MAX_FRAME:
            raise BackupError(_DAMAGED)
        frame = _read_exact(handle, length)
        try:
            chunk, tag = crypto_secretstream_xchacha20poly1305_pull(state, frame, ad)
        except (nacl.exceptions.CryptoError, nacl.exceptions.RuntimeError):
            raise BackupError(_DAMAGED) from None
        ad = None
        try:
            plaintext = decompressor.decompress(chunk)
        except zlib.error:
            raise BackupError(_DAMAGED) from None
        if plaintext:
            yield plaintext
        if tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL:
            break
        if tag != crypto_secretstream_xchacha20poly1305_TAG_MESSAGE:
            raise BackupError(_DAMAGED)
    if handle.read(1) or not decompressor.eof or decompressor.unused_data:
        raise BackupError(_DAMAGED)
