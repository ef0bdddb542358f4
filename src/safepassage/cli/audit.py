"""``safepassage audit verify|sign``."""

from __future__ import annotations

import argparse
from pathlib import Path

from safepassage.cli.errors import CliError
from safepassage.cli.setup import check_database, setup_django, unlock_keys


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The ``audit`` subcommands."""
    audit = sub.add_parser("audit", help="audit log tools")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True)
    verify = audit_sub.add_parser(
        "verify", help="verify the hash chain and the signed heads; report the first break"
    )
    verify.add_argument(
        "--witness",
        help="witness file to check the chain against "
        "(default: SAFEPASSAGE_AUDIT_WITNESS_FILE when it exists)",
    )
    sign = audit_sub.add_parser(
        "sign", help="verify the chain, then sign its head and append it to the witness file"
    )
    sign.add_argument("--witness", help="witness file (default: SAFEPASSAGE_AUDIT_WITNESS_FILE)")


def run(args: argparse.Namespace) -> int:
    """Dispatch an ``audit`` subcommand; exit 1 with one line if the chain is broken."""
    setup_django()
    from django.conf import settings

    # Signed heads are checked and made with the programme signing key, so the audit
    # commands need the console's keys; the intake tier cannot run them.
    unlock_keys(str(settings.SAFEPASSAGE_ROLE))
    check_database()
    witness = Path(args.witness) if args.witness else None
    if args.audit_command == "verify":
        return _verify(witness)
    return _sign(witness)


def _verify(witness: Path | None) -> int:
    from safepassage.audit.verify import verify_chain

    if witness is not None and not witness.is_file():
        raise CliError(f"witness file {witness} does not exist")
    report = verify_chain(witness)
    if not report.ok:
        raise CliError(report.describe())
    print(report.describe())
    return 0


def _sign(witness: Path | None) -> int:
    from safepassage.audit.heads import WitnessError
    from safepassage.audit.signing import AuditChainBroken, sign_head
    from safepassage.crypto.errors import KeyFileError, SecretKeyUnavailable

    try:
        head = sign_head(witness=witness)
    except (AuditChainBroken, WitnessError, SecretKeyUnavailable, KeyFileError) as error:
        raise CliError(str(error)) from None
    print(f"signed the audit head at event #{head.seq} ({head.hash[:16]}…)")
    return 0
