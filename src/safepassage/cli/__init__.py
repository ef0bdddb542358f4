"""The ``safepassage`` command line.

Every failure a deployer can cause (wrong passphrase, missing key file, unreachable
database, unapplied migrations) ends in one clear line on stderr and a non-zero exit —
never a traceback and never a half-started server.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from safepassage.cli import accounts as accounts_cli
from safepassage.cli import audit as audit_cli
from safepassage.cli.errors import CliError
from safepassage.env import env_int, env_str

OWNER_ONLY_UMASK = 0o077


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="safepassage", description="SafePassage: intake, console and worker."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="set up ./var with demo data and serve every tier locally")
    demo.add_argument("--port", type=int, default=8000)
    demo.add_argument("--reset", action="store_true", help="delete ./var/demo and start afresh")

    serve = sub.add_parser(
        "serve", help="serve one tier (production, configured from the environment)"
    )
    serve.add_argument("--role", choices=["intake", "console", "worker", "all"], required=True)
    serve.add_argument("--host", default=env_str("SAFEPASSAGE_HOST", "127.0.0.1"))
    serve.add_argument("--port", type=int, default=env_int("SAFEPASSAGE_PORT", 8000))
    serve.add_argument("--workers", type=int, default=env_int("SAFEPASSAGE_WORKERS", 2))

    keys = sub.add_parser("keys", help="create, rotate or export the programme keys")
    keys_sub = keys.add_subparsers(dest="keys_command", required=True)
    init = keys_sub.add_parser("init", help="create a new encrypted key file")
    init.add_argument("--public-out", help="also write the intake's public key file here")
    rotate = keys_sub.add_parser(
        "rotate", help="add a new keypair; old keys stay for reading old data"
    )
    rotate.add_argument(
        "--rewrap",
        action="store_true",
        help="also re-wrap every stored value to the new key (resumable: run again to continue)",
    )
    rotate.add_argument("--batch-size", type=int, default=500)
    show = keys_sub.add_parser("show-public", help="write the public key file for the intake tier")
    show.add_argument("--output", help="file to write (default: standard output)")
    split = keys_sub.add_parser(
        "split", help="split the key file's recovery secret into SLIP-39 shares for officers"
    )
    split.add_argument("--shares", type=int, required=True, help="how many officers get a share")
    split.add_argument("--threshold", type=int, required=True, help="how many shares recover it")
    recover = keys_sub.add_parser(
        "recover",
        help="rebuild the key file from shares (read from standard input, one per line) "
        "under the passphrase now set in the environment",
    )
    recover.add_argument("--output", help="write the rebuilt key file here instead of in place")
    retire = keys_sub.add_parser(
        "retire", help="remove an old secret key; refused while any stored value needs it"
    )
    retire.add_argument("key_id", help="the key id (16 hex digits)")
    keys_sub.add_parser(
        "rotate-index", help="new blind-index key; recompute every index (resumable)"
    )
    keys_sub.add_parser(
        "rotate-signing", help="new signing key; old exports still verify with the old key"
    )
    keys_sub.add_parser(
        "rotate-receipt-salt", help="new receipt salt for new receipts; old receipts keep working"
    )

    audit_cli.add_parser(sub)
    accounts_cli.add_parser(sub)

    backup = sub.add_parser("backup", help="encrypted backups of the database, and restores")
    backup_sub = backup.add_subparsers(dest="backup_command", required=True)
    create = backup_sub.add_parser(
        "create", help="write one backup file encrypted to the programme public key"
    )
    create.add_argument("--output", required=True, help="the file to write (must not exist)")
    restore = backup_sub.add_parser(
        "restore", help="restore a backup into the configured (empty) database"
    )
    restore.add_argument("file", help="the backup file")
    restore.add_argument(
        "--force", action="store_true", help="replace everything in a non-empty database"
    )

    sub.add_parser("check", help="deployment self-check")

    db = sub.add_parser("db", help="database administration (PostgreSQL)")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    db_sub.add_parser(
        "grant",
        help="create or update the intake, worker and console roles and grant their rights "
        "(run as the database owner, after migrations)",
    )
    db_sub.add_parser(
        "compact",
        help="rewrite the case-key table so purged cases' keys leave its data files "
        "(PostgreSQL, as the owner, nightly)",
    )

    manage = sub.add_parser("manage", help="run a Django management command")
    manage.add_argument("args", nargs=argparse.REMAINDER)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``safepassage`` command; returns the process exit code."""
    # Everything this process creates (SQLite files and their -wal/-shm, key files,
    # the witness file, demo secrets) is its owner's alone; files meant to be shared,
    # like the intake's public key file, are given their mode explicitly.
    os.umask(OWNER_ONLY_UMASK)
    args = _parser().parse_args(argv)
    try:
        if args.command == "demo":
            from safepassage.cli.demo import run_demo

            return run_demo(port=args.port, reset=args.reset)
        if args.command == "serve":
            from safepassage.cli.serve import serve

            return serve(role=args.role, host=args.host, port=args.port, workers=args.workers)
        if args.command == "keys":
            from safepassage.cli import keys as keys_cli

            return keys_cli.run(args)
        if args.command == "backup":
            from safepassage.cli import backup as backup_cli

            return backup_cli.run(args)
        if args.command == "audit":
            return audit_cli.run(args)
        if args.command == "accounts":
            return accounts_cli.run(args)
        if args.command == "db":
            from safepassage.cli.dbroles import db_compact, db_grant

            return db_grant() if args.db_command == "grant" else db_compact()
        if args.command == "check":
            from safepassage.cli.checks import self_check

            return self_check()
        if args.command == "manage":
            from safepassage.cli.setup import setup_django

            setup_django()
            from django.core.management import execute_from_command_line

            execute_from_command_line(["safepassage manage", *args.args])
            return 0
    except CliError as error:
        print(f"safepassage: error: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        return 130
    return 2
