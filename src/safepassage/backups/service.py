"""Taking a backup of the configured database, and restoring one into it."""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.db.utils import Error as DatabaseError
from django.utils import timezone

from safepassage.audit.chain import ChainReport, verify_chain
from safepassage.backups import postgres, sqlite
from safepassage.backups.errors import BackupError
from safepassage.backups.fileformat import (
    BackupHeader,
    BackupMeta,
    BackupWriter,
    decrypt_stream,
    read_header,
    unwrap_stream_key,
)
from safepassage.backups.progress import progress_bar
from safepassage.crypto.keys import Keyring, PublicKeyring

SQLITE = "sqlite"
POSTGRESQL = "postgresql"
LABELS = {SQLITE: "SQLite", POSTGRESQL: "PostgreSQL"}
READ_SIZE = 256 * 1024
# What a restore reports: counts only, by model label (looked up, not imported, so this
# low layer does not depend on the feature apps).
COUNTED = (
    ("cases", "cases.Case"),
    ("messages", "cases.Message"),
    ("contacts", "cases.Contact"),
    ("register records", "register.CapturedPerson"),
    ("audit events", "audit.AuditEvent"),
)


@dataclass(frozen=True)
class RestoreReport:
    """What a restore found: counts, the audit chain, and migrations still to apply."""

    meta: BackupMeta
    unapplied_migrations: int
    counts: dict[str, int]
    chain: ChainReport | None


def database_kind() -> str:
    """``sqlite`` or ``postgresql``: the configured database's kind."""
    vendor = connections[DEFAULT_DB_ALIAS].vendor
    if vendor not in LABELS:
        raise BackupError(f"backups support SQLite and PostgreSQL, not {vendor}")
    return vendor


def _settings_dict() -> dict[str, object]:
    return dict(connections[DEFAULT_DB_ALIAS].settings_dict)


def _sqlite_path() -> Path:
    return Path(str(_settings_dict()["NAME"])).resolve()


def _server_version_num() -> int:
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version_num")
            row = cursor.fetchone()
    except DatabaseError:
        raise BackupError("cannot reach the configured PostgreSQL database") from None
    return int(row[0])


def _applied_migrations() -> list[str]:
    recorder = MigrationRecorder(connections[DEFAULT_DB_ALIAS])
    try:
        if not recorder.has_table():
            raise BackupError("the database has never been migrated; there is nothing to back up")
        applied = recorder.applied_migrations()
    except DatabaseError:
        raise BackupError("cannot read the configured database") from None
    return sorted(f"{app}.{name}" for app, name in applied)


def create_backup(output: Path, public: PublicKeyring) -> tuple[BackupMeta, int]:
    """Write an encrypted backup of the configured database to ``output`` (mode 0600).

    The file appears under its name only when complete (written beside it, fsynced,
    then hard-linked, which also refuses to replace an existing file).  Returns the
    meta and the file's size.
    """
    if output.exists():
        raise BackupError(f"{output} already exists; refusing to overwrite it")
    kind = database_kind()
    version = _server_version_num() if kind == POSTGRESQL else 0
    meta = BackupMeta(
        database=kind,
        dump_format="sqlite3-online-backup" if kind == SQLITE else "pg_dump-plain",
        server_version=str(version) if version else "",
        migrations=_applied_migrations(),
        created_at=timezone.now().isoformat(),
        key_id=public.active_key_id.hex(),
    )
    temp: Path | None = None
    try:
        fd, name = tempfile.mkstemp(dir=output.parent, prefix=f".{output.name}.", suffix=".part")
        temp = Path(name)
        with os.fdopen(fd, "wb") as handle:
            writer = BackupWriter(handle, meta, public)
            if kind == SQLITE:
                _write_sqlite(writer)
            else:
                _write_postgres(writer, version)
            writer.finish()
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temp, output)
        except FileExistsError:
            raise BackupError(f"{output} already exists; refusing to overwrite it") from None
    except OSError as error:
        raise BackupError(f"cannot write the backup {output}: {error.strerror}") from None
    finally:
        if temp is not None:
            temp.unlink(missing_ok=True)
    return meta, output.stat().st_size


def _write_sqlite(writer: BackupWriter) -> None:
    database = _sqlite_path()
    # The snapshot is plaintext: it goes in a private (0700) directory beside the live
    # database — the same disk and protection as the data it copies, not a shared
    # /tmp — and is removed whatever happens.
    workdir = Path(tempfile.mkdtemp(prefix=".backup-", dir=database.parent))
    try:
        snapshot = sqlite.take_snapshot(database, workdir)
        with (
            snapshot.open("rb") as source,
            progress_bar("backup", snapshot.stat().st_size) as advance,
        ):
            while chunk := source.read(READ_SIZE):
                writer.write(chunk)
                advance(len(chunk))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _write_postgres(writer: BackupWriter, version: int) -> None:
    binary = postgres.client_binary("pg_dump", version)
    env = postgres.client_environment(_settings_dict())

    with tempfile.TemporaryFile() as errors, progress_bar("backup", None) as advance:

        def sink(chunk: bytes) -> None:
            writer.write(chunk)
            advance(len(chunk))

        postgres.dump(binary, env, sink, errors)


def read_backup_header(path: Path) -> BackupHeader:
    """The header of the backup at ``path``, without decrypting anything."""
    try:
        with path.open("rb") as handle:
            return read_header(handle)
    except OSError as error:
        raise BackupError(f"cannot read the backup {path}: {error.strerror}") from None


def _check_compatible(meta: BackupMeta, kind: str) -> None:
    if meta.database != kind:
        raise BackupError(
            f"this is a backup of a {LABELS.get(meta.database, 'foreign')} database; "
            f"the configured database is {LABELS[kind]}"
        )
    known = {
        f"{app}.{name}"
        for app, name in MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    }
    unknown = sorted(set(meta.migrations) - known)
    if unknown:
        raise BackupError(
            f"the backup was taken by a newer SafePassage ({len(unknown)} migrations unknown "
            f"here, first {unknown[0]}); restore it with that version"
        )


def _is_empty(kind: str) -> bool:
    if kind == SQLITE:
        return sqlite.is_empty(_sqlite_path())
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_catalog.pg_tables "
                "WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
            )
            row = cursor.fetchone()
    except DatabaseError:
        raise BackupError("cannot reach the configured PostgreSQL database") from None
    return int(row[0]) == 0


def restore_backup(path: Path, keyring: Keyring, *, force: bool) -> RestoreReport:
    """Restore the backup at ``path`` into the configured database, then check it.

    Refuses a backup of the other database kind, one from a newer schema, one sealed
    to a key the keyring lacks, and a non-empty database unless ``force``.  Nothing is
    written unless the whole file authenticates.
    """
    kind = database_kind()
    try:
        with path.open("rb") as handle:
            header = read_header(handle)
            _check_compatible(header.meta, kind)
            key = unwrap_stream_key(header, keyring)
            if not force and not _is_empty(kind):
                raise BackupError(
                    "the configured database is not empty; restore into an empty database "
                    "or pass --force to replace everything in it"
                )
            connections.close_all()
            if kind == SQLITE:
                _restore_sqlite(handle, header, key)
            else:
                _restore_postgres(handle, header, key, force=force)
    except OSError as error:
        raise BackupError(f"cannot restore from {path}: {error.strerror}") from None
    connections.close_all()
    return _report(header.meta)


def _restore_sqlite(handle: BinaryIO, header: BackupHeader, key: bytes) -> None:
    target = _sqlite_path()
    try:
        workdir = Path(tempfile.mkdtemp(prefix=".restore-", dir=target.parent))
    except OSError as error:
        raise BackupError(f"cannot restore into {target}: {error.strerror}") from None
    try:
        with progress_bar("restore", None) as advance:
            sqlite.install(decrypt_stream(handle, header, key), target, workdir, advance)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _restore_postgres(handle: BinaryIO, header: BackupHeader, key: bytes, *, force: bool) -> None:
    binary = postgres.client_binary("psql", _server_version_num())
    env = postgres.client_environment(_settings_dict())
    with tempfile.TemporaryFile() as errors, progress_bar("restore", None) as advance:
        postgres.restore(
            binary, env, decrypt_stream(handle, header, key), errors, force=force, progress=advance
        )


def _report(meta: BackupMeta) -> RestoreReport:
    """Counts and the audit chain of the restored database (when its schema is current)."""
    connection = connections[DEFAULT_DB_ALIAS]
    executor = MigrationExecutor(connection)
    unapplied = len(executor.migration_plan(executor.loader.graph.leaf_nodes()))
    if unapplied:
        # An older schema may lack columns today's models read: check after migrating.
        return RestoreReport(meta, unapplied, {}, None)
    counts = {label: apps.get_model(model).objects.count() for label, model in COUNTED}
    return RestoreReport(meta, 0, counts, verify_chain())
