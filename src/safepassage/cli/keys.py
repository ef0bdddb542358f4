"""``safepassage keys init|rotate|show-public``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from safepassage.cli.errors import CliError
from safepassage.cli.setup import passphrase_from_environment, setup_django


def _key_file() -> Path:
    from django.conf import settings

    path: Path | None = settings.SAFEPASSAGE_KEY_FILE
    if path is None:
        raise CliError("no key file configured (SAFEPASSAGE_KEY_FILE)")
    return path


def run(args: argparse.Namespace) -> int:
    """Dispatch a ``keys`` subcommand."""
    setup_django("console")
    from safepassage.crypto import keyfile
    from safepassage.crypto.errors import KeyFileError

    path = _key_file()
    passphrase = passphrase_from_environment()
    try:
        if args.keys_command == "init":
            ring = keyfile.create_keyfile(path, passphrase)
            print(f"created key file {path} (active key {ring.public.active_key_id.hex()})")
            if args.public_out:
                keyfile.write_public_keyfile(ring.public, Path(args.public_out))
                print(f"wrote public key file {args.public_out} for the intake tier")
        elif args.keys_command == "rotate":
            ring = keyfile.rotate_keyfile(path, passphrase)
            print(
                f"rotated: new active key {ring.public.active_key_id.hex()}; "
                f"{len(ring.secret_keys)} keys kept for reading. "
                "Give the intake tier the new public key file (keys show-public)."
            )
        elif args.keys_command == "show-public":
            ring = keyfile.load_keyring(path, passphrase)
            if args.output:
                keyfile.write_public_keyfile(ring.public, Path(args.output))
                print(f"wrote public key file {args.output}")
            else:
                tmp = path.with_name(path.name + ".public.tmp")
                keyfile.write_public_keyfile(ring.public, tmp)
                sys.stdout.write(tmp.read_text())
                tmp.unlink()
    except KeyFileError as error:
        raise CliError(str(error)) from None
    return 0
