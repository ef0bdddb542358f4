"""PostgreSQL: ``pg_dump`` into the encrypted stream, ``psql`` back out of it.

Plain format, piped end to end: the dump never touches the disk on either side, and
the restore runs in one transaction (``psql --single-transaction``) whose COMMIT psql
sends only when its input ends — and its input ends only after the backup's final
frame authenticated.  A damaged or cut backup kills psql first, so the server rolls
everything back.  Credentials go to the client tools through ``PG*`` environment
variables, never the command line (which every local user can read in ``ps``).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from safepassage.backups.errors import BackupError

BIN_ROOT = Path("/usr/lib/postgresql")
READ_SIZE = 256 * 1024
# --force drops the old schema inside the restore's own transaction, so a failed
# restore leaves the old database as it was.
FORCE_PREAMBLE = b"DROP SCHEMA public CASCADE;\nCREATE SCHEMA public;\n"


def client_binary(name: str, server_version_num: int, root: Path = BIN_ROOT) -> Path:
    """Debian's ``name`` (pg_dump, psql) of the server's major version.

    pg_dump refuses servers newer than itself and dumps from an older pg_dump may miss
    objects of a newer server, so the major versions must match exactly.
    """
    major = server_version_num // 10000
    path = root / str(major) / "bin" / name
    if not os.access(path, os.X_OK):
        raise BackupError(
            f"{name} for PostgreSQL {major} is not installed ({path}); "
            f"install the Debian package postgresql-client-{major}"
        )
    return path


def client_environment(settings_dict: dict[str, Any]) -> dict[str, str]:
    """The ``PG*`` variables naming Django's configured database."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PGCONNECT_TIMEOUT": "20"}
    for variable, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGDATABASE", "NAME"),
    ):
        value = settings_dict.get(key)
        if value:
            env[variable] = str(value)
    options = settings_dict.get("OPTIONS") or {}
    if options.get("sslmode"):
        env["PGSSLMODE"] = str(options["sslmode"])
    return env


def _first_line(handle: IO[bytes]) -> str:
    handle.seek(0)
    for raw in handle.read(4096).decode("utf-8", "replace").splitlines():
        if raw.strip():
            return raw.strip()[:200]
    return ""


def dump(
    binary: Path, env: dict[str, str], sink: Callable[[bytes], None], errors: IO[bytes]
) -> None:
    """Run ``pg_dump`` and hand its output to ``sink`` as it arrives.

    ``--no-owner --no-privileges``: a restore may run as another role or on another
    machine; roles and grants are deployment configuration, reapplied there.  pg_dump's
    own snapshot (REPEATABLE READ) makes the dump consistent while tiers keep writing.
    """
    command = [
        str(binary),
        "--format=plain",
        "--no-owner",
        "--no-privileges",
        "--no-password",
        "--encoding=UTF8",
    ]
    process = subprocess.Popen(  # noqa: S603 - fixed arguments, our configured binary
        command, stdout=subprocess.PIPE, stderr=errors, env=env
    )
    assert process.stdout is not None  # PIPE was requested
    try:
        while chunk := process.stdout.read(READ_SIZE):
            sink(chunk)
    except BaseException:
        process.kill()
        process.wait()
        raise
    code = process.wait()
    if code != 0:
        detail = _first_line(errors)
        raise BackupError(f"pg_dump failed (exit {code}): {detail}")


def restore(
    binary: Path,
    env: dict[str, str],
    stream: Iterator[bytes],
    errors: IO[bytes],
    *,
    force: bool,
    progress: Callable[[int], None],
) -> None:
    """Feed the decrypted dump to ``psql`` in one transaction; commit only at its end.

    psql reports errors as SQLSTATE codes only (``VERBOSITY=sqlstate``): its usual
    messages may quote a value from the dump, which must not reach a terminal or log.
    """
    command = [
        str(binary),
        "--no-psqlrc",
        "--quiet",
        "--no-password",
        "--single-transaction",
        "--set=ON_ERROR_STOP=1",
        "--set=VERBOSITY=sqlstate",
        "--file=-",
    ]
    process = subprocess.Popen(  # noqa: S603 - fixed arguments, our configured binary
        command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=errors, env=env
    )
    assert process.stdin is not None  # PIPE was requested
    stopped_early = False
    try:
        if force:
            process.stdin.write(FORCE_PREAMBLE)
        for chunk in stream:
            process.stdin.write(chunk)
            progress(len(chunk))
    except BrokenPipeError:
        stopped_early = True  # psql stopped at an error; its exit code says so below
    except BaseException:
        # Kill before closing stdin: an end of input would make psql commit.
        process.kill()
        process.wait()
        raise
    with contextlib.suppress(BrokenPipeError):
        process.stdin.close()
    code = process.wait()
    if code != 0:
        detail = _first_line(errors)
        raise BackupError(f"psql stopped the restore (exit {code}: {detail}); nothing restored")
    if stopped_early:
        # psql ended cleanly before the backup did: the rest was never authenticated.
        raise BackupError("psql ended before the backup did; check the restored database")
