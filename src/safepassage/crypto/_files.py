"""Small file helpers for key files: bounded reads and atomic, durable writes."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from safepassage.crypto.errors import KeyFileError, KeyFileMissing

# Key files are a few kilobytes; refusing anything larger keeps a wrong path (a
# database, a disk image) from being read into memory.
MAX_KEY_FILE_SIZE = 1024 * 1024


def read_bounded(path: Path) -> bytes:
    """Read a key file, raising KeyFileMissing / KeyFileError with the path only."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_KEY_FILE_SIZE + 1)
    except FileNotFoundError:
        raise KeyFileMissing(f"key file {path} does not exist") from None
    except OSError as error:
        raise KeyFileError(f"cannot read key file {path}: {error.strerror}") from None
    if len(data) > MAX_KEY_FILE_SIZE:
        raise KeyFileError(f"{path} is too large to be a key file")
    return data


def atomic_write(path: Path, data: bytes, *, mode: int, overwrite: bool) -> None:
    """Write ``data`` to ``path`` so that a crash leaves either the old or the new file.

    The temporary file is created in the target directory (``os.replace`` and
    ``os.link`` are atomic only within one file system), fsynced, given ``mode`` and
    then moved into place; the directory is fsynced so the rename itself survives a
    power cut.  Without ``overwrite`` the file is published with ``os.link``, which
    fails if the target exists, so two concurrent creators cannot clobber each other.
    """
    directory = path.parent
    try:
        fd, temp_name = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as error:
        raise KeyFileError(f"cannot write key file {path}: {error.strerror}") from None
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, mode)
        if overwrite:
            _keep_owner(path, temp)
            os.replace(temp, path)
        else:
            try:
                os.link(temp, path)
            except FileExistsError:
                raise KeyFileError(f"{path} already exists; refusing to overwrite it") from None
            temp.unlink()
        _fsync_directory(directory)
    except OSError as error:
        raise KeyFileError(f"cannot write key file {path}: {error.strerror}") from None
    finally:
        temp.unlink(missing_ok=True)


def _keep_owner(existing: Path, replacement: Path) -> None:
    # Rotating as root must not leave the service user unable to read its own key file.
    try:
        status = existing.stat()
    except FileNotFoundError:
        return
    if (status.st_uid, status.st_gid) != (os.getuid(), os.getgid()):
        # Only root may give a file away; otherwise the new file is ours, like any we write.
        with contextlib.suppress(PermissionError):
            os.chown(replacement, status.st_uid, status.st_gid)


def _fsync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
