"""``safepassage keys ...``: create, export, split, recover and rotate the programme keys.

After any command that changes the public part (``rotate``, ``retire``,
``rotate-receipt-salt``, ``rotate-signing``) the intake tier needs the new public key
file, and console and worker must be restarted to load the changed key file.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from safepassage.cli.errors import CliError
from safepassage.cli.setup import check_database, passphrase_from_environment, setup_django

if TYPE_CHECKING:
    from safepassage.crypto.keys import Keyring

# The order matters: a tier loads its keys once, at start (see docs/decisions.md).
_RESTART = (
    "Restart console and worker first, then give the intake tier the new public key file "
    "(keys show-public --output FILE)."
)
_INTAKE_FIRST = (
    "Give the intake tier the new public key file first (keys show-public --output FILE), "
    "then restart console and worker."
)


def _key_file() -> Path:
    from django.conf import settings

    path: Path | None = settings.SAFEPASSAGE_KEY_FILE
    if path is None:
        raise CliError("no key file configured (SAFEPASSAGE_KEY_FILE)")
    return path


def _progress(total: int, unit: str) -> tuple[Callable[[int], object], Callable[[], None]]:
    """A tqdm bar on stderr (shown only on a terminal); returns (advance, close)."""
    from tqdm import tqdm

    bar = tqdm(total=total, unit=unit, file=sys.stderr, disable=None, dynamic_ncols=True)
    return bar.update, bar.close


def _read_shares() -> list[str]:
    from safepassage.crypto.recovery import parse_shares

    if not sys.stdin.isatty():
        return parse_shares(sys.stdin.read().splitlines())
    print("Type one share per line; an empty line ends.", file=sys.stderr)
    lines: list[str] = []
    while True:
        try:
            line = input(f"share {len(lines) + 1}: ")
        except EOFError:
            break
        if not line.strip():
            break
        lines.append(line)
    return parse_shares(lines)


def _split(path: Path, passphrase: str, args: argparse.Namespace) -> None:
    from safepassage.crypto.recovery import split_keyfile

    shares = split_keyfile(path, passphrase, shares=args.shares, threshold=args.threshold)
    print(
        f"Recovery shares: any {args.threshold} of these {args.shares} rebuild key file "
        f"{path} without its passphrase.  Give each officer one share, written down by hand; "
        "they are shown once and stored nowhere.  Shares of any earlier split no longer work."
    )
    for number, share in enumerate(shares, start=1):
        print(f"\nshare {number} of {args.shares}:\n{share}")


def _recover(path: Path, passphrase: str, args: argparse.Namespace) -> None:
    from safepassage.crypto.recovery import recover

    output = Path(args.output) if args.output else None
    ring = recover(path, _read_shares(), passphrase, output=output)
    print(
        f"recovered key file {output or path} ({len(ring.secret_keys)} keys); it now opens "
        "with the passphrase set in the environment"
    )


def _rotate(path: Path, passphrase: str, args: argparse.Namespace) -> None:
    from safepassage.crypto import keyfile

    if not args.rewrap:
        ring = keyfile.rotate_keyfile(path, passphrase)
        print(
            f"rotated: new active key {ring.public.active_key_id.hex()}; "
            f"{len(ring.secret_keys)} keys kept for reading. {_RESTART}"
        )
        return
    from safepassage.crypto import stored

    check_database()
    if args.batch_size < 1:
        raise CliError("--batch-size must be at least 1")
    ring = keyfile.load_keyring(path, passphrase)
    if stored.needs_any_rewrap(ring):
        print(f"continuing: re-wrapping to active key {ring.public.active_key_id.hex()}")
    else:
        ring = keyfile.rotate_keyfile(path, passphrase)
        print(f"rotated: new active key {ring.public.active_key_id.hex()}. {_RESTART}")
    advance, close = _progress(stored.count_stored(), "values")
    try:
        report = stored.rewrap_all(ring, batch_size=args.batch_size, advance=advance)
    finally:
        close()
    print(f"re-wrapped {report.rewrapped} values; {report.current} were already current")
    if report.failures:
        where = ", ".join(f"{label}: {count}" for label, count in sorted(report.failed.items()))
        raise CliError(f"{report.failures} values could not be re-wrapped ({where})")


def _retire(path: Path, passphrase: str, args: argparse.Namespace) -> None:
    from safepassage.crypto import generations, keyfile, stored

    try:
        kid = bytes.fromhex(args.key_id)
    except ValueError:
        raise CliError("a key id is 16 hex digits") from None
    check_database()
    ring = keyfile.load_keyring(path, passphrase)
    generations.without_key(ring, kid)  # refuses the active key or an unknown id first
    naming = stored.values_naming(kid)
    if naming:
        count = sum(naming.values())
        raise CliError(
            f"refused: {count} stored values still need key {kid.hex()} "
            f"(in {len(naming)} columns); run `safepassage keys rotate --rewrap` first"
        )
    ring = keyfile.update_keyfile(path, passphrase, lambda r: generations.without_key(r, kid))
    print(f"retired key {kid.hex()}; {len(ring.secret_keys)} keys remain. {_RESTART}")


def _rotate_index(path: Path, passphrase: str, _args: argparse.Namespace) -> None:
    from safepassage.cli import reindex
    from safepassage.crypto import generations, keyfile

    check_database()
    unknown = reindex.unknown_index_columns()
    if unknown:
        raise CliError(f"refused: no way to recompute blind index {', '.join(unknown)}")
    before = keyfile.load_keyring(path, passphrase)
    ring = keyfile.update_keyfile(path, passphrase, generations.with_new_index_key)
    print("continuing the index rotation" if before.previous_index_key else "new index key")
    advance, close = _progress(reindex.count_work(), "rows")
    try:
        report = reindex.reindex_all(ring, advance)
    finally:
        close()
    keyfile.update_keyfile(path, passphrase, generations.index_rotation_done)
    print(
        f"indexes rebuilt: {report.rebuilt}, already current: {report.current}, "
        f"cleared: {report.cleared}; the old index key is destroyed. "
        "Restart console and worker."
    )
    if report.unmatched:
        where = ", ".join(f"{label}: {n}" for label, n in sorted(report.unmatched.items()))
        print(f"left unsearchable (no way to rebuild them): {where}", file=sys.stderr)


def _rotate_signing(path: Path, passphrase: str, _args: argparse.Namespace) -> None:
    from safepassage.crypto import generations, keyfile

    ring = keyfile.update_keyfile(path, passphrase, generations.with_new_signing_key)
    print(
        f"new signing key; {len(ring.previous_verify_keys)} earlier verify keys stay "
        "published so earlier batches still verify. Restart the console and publish the "
        "new public key file (keys show-public --output FILE)."
    )


def _rotate_receipt_salt(path: Path, passphrase: str, _args: argparse.Namespace) -> None:
    from safepassage.crypto import generations, keyfile

    ring = keyfile.update_keyfile(path, passphrase, generations.with_new_receipt_salt)
    print(
        "new receipt salt for new receipts; "
        f"{len(ring.public.previous_receipt_salts)} earlier salts kept for old receipts. "
        f"{_INTAKE_FIRST}"
    )


def _init(path: Path, passphrase: str, args: argparse.Namespace) -> None:
    from safepassage.crypto import keyfile

    ring = keyfile.create_keyfile(path, passphrase)
    print(f"created key file {path} (active key {ring.public.active_key_id.hex()})")
    if args.public_out:
        _write_public(ring, Path(args.public_out))
        print(f"wrote public key file {args.public_out} for the intake tier")


def _write_public(ring: Keyring, target: Path) -> None:
    from safepassage.crypto import keyfile

    verify_keys = [ring.signing_key.verify_key, *ring.previous_verify_keys]
    keyfile.write_public_keyfile(ring.public, target, verify_keys=verify_keys)


def _show_public(path: Path, passphrase: str, args: argparse.Namespace) -> None:
    from safepassage.crypto import keyfile

    ring = keyfile.load_keyring(path, passphrase)
    if args.output:
        _write_public(ring, Path(args.output))
        print(f"wrote public key file {args.output}")
        return
    tmp = path.with_name(path.name + ".public.tmp")
    _write_public(ring, tmp)
    sys.stdout.write(tmp.read_text())
    tmp.unlink()


_COMMANDS: dict[str, Callable[[Path, str, argparse.Namespace], None]] = {
    "init": _init,
    "rotate": _rotate,
    "show-public": _show_public,
    "split": _split,
    "recover": _recover,
    "retire": _retire,
    "rotate-index": _rotate_index,
    "rotate-signing": _rotate_signing,
    "rotate-receipt-salt": _rotate_receipt_salt,
}


def run(args: argparse.Namespace) -> int:
    """Dispatch a ``keys`` subcommand."""
    setup_django("console")
    from safepassage.crypto.errors import KeyFileError

    path = _key_file()
    passphrase = passphrase_from_environment()
    try:
        _COMMANDS[args.keys_command](path, passphrase, args)
    except KeyFileError as error:
        raise CliError(str(error)) from None
    return 0
