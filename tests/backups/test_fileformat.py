"""The backup file format on its own: round trip, and every way a file can be wrong."""

from __future__ import annotations

import io
import itertools
import os
import struct
from pathlib import Path

import nacl.pwhash
import pytest

from safepassage.backups.errors import BackupError
from safepassage.backups.fileformat import (
    CHUNK_SIZE,
    BackupMeta,
    BackupWriter,
    decrypt_stream,
    read_header,
    unwrap_stream_key,
)
from safepassage.crypto.keyfile import create_keyfile
from safepassage.crypto.keys import Keyring, with_new_generation

META = BackupMeta(
    database="sqlite",
    dump_format="sqlite3-online-backup",
    server_version="",
    migrations=["audit.0001_initial"],
    created_at="2026-12-02T00:00:00+00:00",
    key_id="",
)


def _backup(payload: bytes, keyring: Keyring) -> bytes:
    out = io.BytesIO()
    meta = BackupMeta(**{**META.__dict__, "key_id": keyring.public.active_key_id.hex()})
    writer = BackupWriter(out, meta, keyring.public)
    # Odd-sized writes, as pg_dump's pipe delivers them.
    for start in range(0, len(payload), 10_007):
        writer.write(payload[start : start + 10_007])
    writer.finish()
    return out.getvalue()


def _restore(data: bytes, keyring: Keyring) -> bytes:
    handle = io.BytesIO(data)
    header = read_header(handle)
    return b"".join(decrypt_stream(handle, header, unwrap_stream_key(header, keyring)))


def _frame_offsets(data: bytes) -> list[int]:
    """Where each frame starts."""
    handle = io.BytesIO(data)
    read_header(handle)
    offsets = []
    while (position := handle.tell()) < len(data):
        offsets.append(position)
        (length,) = struct.unpack(">I", handle.read(4))
        handle.seek(length, os.SEEK_CUR)
    return offsets


# Incompressible, several chunks long, so the stream has many frames.
PAYLOAD = os.urandom(3 * CHUNK_SIZE + 123) + b"applicant text " * 5000


def test_round_trip(installed_keys: Keyring) -> None:
    assert _restore(_backup(PAYLOAD, installed_keys), installed_keys) == PAYLOAD
    assert _restore(_backup(b"", installed_keys), installed_keys) == b""


def test_a_rotated_keyring_still_opens_an_old_backup(installed_keys: Keyring) -> None:
    data = _backup(PAYLOAD, installed_keys)
    assert _restore(data, with_new_generation(installed_keys)) == PAYLOAD


def test_every_truncation_is_refused(installed_keys: Keyring) -> None:
    data = _backup(PAYLOAD, installed_keys)
    offsets = _frame_offsets(data)
    assert len(offsets) >= 4
    for cut in [*offsets, offsets[-1] + 10, len(data) - 1, 20, 0]:
        with pytest.raises(BackupError):
            _restore(data[:cut], installed_keys)


def test_dropped_reordered_or_appended_frames_are_refused(installed_keys: Keyring) -> None:
    data = _backup(PAYLOAD, installed_keys)
    offsets = [*_frame_offsets(data), len(data)]
    frames = [data[a:b] for a, b in itertools.pairwise(offsets)]
    prefix = data[: offsets[0]]
    variants = [
        prefix + b"".join(frames[:1] + frames[2:]),  # a frame dropped
        prefix + b"".join([frames[0], frames[2], frames[1], *frames[3:]]),  # swapped
        data + frames[-1],  # the final frame again
        data + b"\0",  # trailing garbage
    ]
    for variant in variants:
        with pytest.raises(BackupError, match=r"damaged|incomplete"):
            _restore(variant, installed_keys)


def test_a_flipped_bit_anywhere_is_refused(installed_keys: Keyring) -> None:
    data = _backup(PAYLOAD, installed_keys)
    positions = [9, 13, 40, len(data) // 3, len(data) // 2, len(data) - 5]
    for position in positions:
        altered = bytearray(data)
        altered[position] ^= 0x01
        with pytest.raises(BackupError):
            _restore(bytes(altered), installed_keys)


def test_an_altered_header_fails_authentication(installed_keys: Keyring) -> None:
    data = _backup(PAYLOAD, installed_keys)
    altered = data.replace(b'"database":"sqlite"', b'"database":"sqlitf"', 1)
    assert altered != data
    with pytest.raises(BackupError, match="damaged"):
        _restore(altered, installed_keys)


def test_another_programmes_key_cannot_open_it(installed_keys: Keyring, tmp_path: Path) -> None:
    other = create_keyfile(
        tmp_path / "other.json",
        "another passphrase",
        kdf_opslimit=nacl.pwhash.argon2id.OPSLIMIT_MIN,
        kdf_memlimit=nacl.pwhash.argon2id.MEMLIMIT_MIN,
    )
    with pytest.raises(BackupError, match="which this key file does not hold"):
        _restore(_backup(PAYLOAD, installed_keys), other)


def test_not_a_backup(installed_keys: Keyring) -> None:
    with pytest.raises(BackupError, match="not a SafePassage backup"):
        _restore(b"SQLite format 3\0" + b"\0" * 100, installed_keys)
    with pytest.raises(BackupError, match="version 2"):
        _restore(b"SPBACKUP\x02" + b"\0" * 100, installed_keys)
