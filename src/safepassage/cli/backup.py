"""``safepassage backup create|restore``: encrypted backups of the whole database."""

from __future__ import annotations

import argparse
from pathlib import Path

from safepassage.cli.errors import CliError
from safepassage.cli.setup import check_database, setup_django, unlock_keys


def run(args: argparse.Namespace) -> int:
    """Dispatch a ``backup`` subcommand."""
    if args.backup_command == "create":
        return _create(Path(args.output))
    return _restore(Path(args.file), force=args.force)


def _create(output: Path) -> int:
    # The role comes from the environment: a backup host configured like the intake
    # (public key file only, no passphrase) is enough, since backups are sealed to
    # the public key.
    setup_django()
    check_database()
    from safepassage.backups.errors import BackupError
    from safepassage.backups.service import LABELS, create_backup
    from safepassage.crypto import runtime
    from safepassage.crypto.errors import KeyFileError, SecretKeyUnavailable

    try:
        public = runtime.get_public_keyring()
    except (KeyFileError, SecretKeyUnavailable) as error:
        raise CliError(str(error)) from None
    try:
        meta, size = create_backup(output, public)
    except BackupError as error:
        raise CliError(str(error)) from None
    print(
        f"wrote {output} ({size} bytes): {LABELS[meta.database]} backup "
        f"encrypted to programme key {meta.key_id}"
    )
    return 0


def _restore(path: Path, *, force: bool) -> int:
    setup_django("console")
    unlock_keys("console")
    from safepassage.backups.errors import BackupError
    from safepassage.backups.service import LABELS, restore_backup
    from safepassage.crypto import runtime

    try:
        report = restore_backup(path, runtime.get_keyring(), force=force)
    except BackupError as error:
        raise CliError(str(error)) from None
    meta = report.meta
    print(f"restored the {LABELS[meta.database]} backup taken at {meta.created_at}")
    if report.chain is None:
        print(
            f"{report.unapplied_migrations} migrations to apply: run "
            "`safepassage manage migrate`, then `safepassage audit verify`"
        )
        return 0
    for label, count in report.counts.items():
        print(f"  {label}: {count}")
    print(report.chain.describe())
    if not report.chain.ok:
        raise CliError("restored, but the audit chain is broken; investigate before serving it")
    return 0
