"""SQLite: a consistent snapshot through the online backup API, and installing a restore.

The live database runs in WAL mode: copying its file could miss committed pages that
still sit in the ``-wal`` file, or catch a checkpoint half-way.  SQLite's backup API
copies through a read transaction instead, which in WAL mode never blocks writers.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

from safepassage.backups.errors import BackupError

SNAPSHOT_NAME = "snapshot.sqlite3"


def take_snapshot(database: Path, workdir: Path) -> Path:
    """Copy ``database`` into ``workdir`` with the online backup API; return the copy.

    ``pages=-1`` copies in one step under one read transaction: a stepwise copy would
    restart from the beginning each time another process writes, and might never end
    on a busy intake.
    """
    if not database.is_file():
        raise BackupError(f"the SQLite database {database} does not exist")
    target = workdir / SNAPSHOT_NAME
    source = sqlite3.connect(database, timeout=20)
    try:
        copy = sqlite3.connect(target)
        try:
            source.backup(copy, pages=-1)
            # A snapshot needs no WAL of its own: fold everything into the one file.
            copy.execute("PRAGMA journal_mode=DELETE")
        finally:
            copy.close()
    except sqlite3.Error as error:
        raise BackupError(f"SQLite backup of {database} failed: {error}") from None
    finally:
        source.close()
    return target


def is_empty(database: Path) -> bool:
    """True if ``database`` is absent, zero bytes, or holds no table."""
    if not database.exists() or database.stat().st_size == 0:
        return True
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        row = connection.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
        ).fetchone()
    except sqlite3.DatabaseError:
        return False  # not a database we can read: certainly not "empty"
    finally:
        connection.close()
    return int(row[0]) == 0


def install(
    stream: Iterator[bytes], target: Path, workdir: Path, progress: Callable[[int], None]
) -> None:
    """Write the decrypted database into ``workdir``, check it, then move it to ``target``.

    ``target`` is replaced only after the whole stream authenticated and SQLite's
    integrity check passed, so a damaged backup leaves the old file untouched.  Stale
    ``-wal``/``-shm`` files of the old database are removed first: SQLite would
    otherwise replay them into the restored file.
    """
    staged = workdir / "restored.sqlite3"
    # 0600 like the key file: the restored database is the plaintext-bearing store.
    with os.fdopen(os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as handle:
        for chunk in stream:
            handle.write(chunk)
            progress(len(chunk))
        handle.flush()
        os.fsync(handle.fileno())
    _check_integrity(staged)
    for suffix in ("-wal", "-shm", "-journal"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    os.replace(staged, target)
    with contextlib.suppress(OSError):
        directory = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)


def _check_integrity(path: Path) -> None:
    connection = sqlite3.connect(path)
    try:
        result = connection.execute("PRAGMA integrity_check").fetchone()
    except sqlite3.DatabaseError:
        result = None
    finally:
        connection.close()
    if result is None or result[0] != "ok":
        raise BackupError("the restored SQLite file fails its integrity check; nothing restored")
