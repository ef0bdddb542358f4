"""``safepassage keys split|recover``, run as a real subprocess with real SLIP-39 shares."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from safepassage.crypto.keyfile import load_keyring
from safepassage.crypto.sealing import open_text, seal

from .test_cli import PASSPHRASE, assert_one_line_error

pytestmark = pytest.mark.slow


def keys_cli(*args: str, env: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own CLI
        [sys.executable, "-m", "safepassage", "keys", *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """A key file of its own (no database needed for custody)."""
    environment = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "SAFEPASSAGE_VAR_DIR": str(tmp_path),
        "SAFEPASSAGE_SECRET_KEY": "cli-test-secret-key-" + "k" * 40,
        "SAFEPASSAGE_KEY_FILE": str(tmp_path / "keys.json"),
        "SAFEPASSAGE_KEY_PASSPHRASE": PASSPHRASE,
        "SAFEPASSAGE_LOG_LEVEL": "WARNING",
    }
    created = keys_cli("init", env=environment)
    assert created.returncode == 0, created.stderr
    return environment


def shares_of(output: str) -> list[str]:
    lines = output.splitlines()
    return [lines[i + 1] for i, line in enumerate(lines) if line.startswith("share ")]


def test_split_then_recover_with_a_new_passphrase(env: dict[str, str]) -> None:
    key_file = Path(env["SAFEPASSAGE_KEY_FILE"])
    before = seal("sealed before the split", to=load_keyring(key_file, PASSPHRASE).public)

    split = keys_cli("split", "--shares", "5", "--threshold", "3", env=env)
    assert split.returncode == 0, split.stderr
    shares = shares_of(split.stdout)
    assert len(shares) == 5
    assert all(share not in key_file.read_text() for share in shares)

    # The passphrase is lost; three officers type their shares in.
    lost = {**env, "SAFEPASSAGE_KEY_PASSPHRASE": "a brand new passphrase"}
    recovered = keys_cli("recover", env=lost, stdin="\n".join(shares[1:4]) + "\n")
    assert recovered.returncode == 0, recovered.stderr
    assert not any(word in recovered.stdout for word in shares[1].split()[3:])
    ring = load_keyring(key_file, "a brand new passphrase")
    assert open_text(before, ring) == "sealed before the split"
    # The old passphrase no longer opens it; the keys are the same.
    assert keys_cli("show-public", env=env).returncode != 0
    assert keys_cli("show-public", env=lost).returncode == 0


def test_recover_refusals_are_one_line(env: dict[str, str]) -> None:
    split = keys_cli("split", "--shares", "3", "--threshold", "2", env=env)
    shares = shares_of(split.stdout)
    too_few = keys_cli("recover", env=env, stdin=shares[0] + "\n")
    assert_one_line_error(too_few, "not enough shares: 1 given")
    assert shares[0].split()[0] not in too_few.stderr

    words = shares[1].split()
    words[7] = "acid" if words[7] != "acid" else "academic"
    damaged = keys_cli("recover", env=env, stdin=f"{shares[0]}\n{' '.join(words)}\n")
    assert_one_line_error(damaged, "mistyped or damaged")

    other_env = {**env, "SAFEPASSAGE_KEY_FILE": str(Path(env["HOME"]) / "other.json")}
    assert keys_cli("init", env=other_env).returncode == 0
    theirs = shares_of(keys_cli("split", "--shares", "3", "--threshold", "2", env=other_env).stdout)
    mixed = keys_cli("recover", env=env, stdin=f"{shares[0]}\n{theirs[1]}\n")
    assert_one_line_error(mixed, "different splits")
    foreign = keys_cli("recover", env=env, stdin="\n".join(theirs[:2]))
    assert_one_line_error(foreign, "do not recover")

    bad_split = keys_cli("split", "--shares", "2", "--threshold", "3", env=env)
    assert_one_line_error(bad_split, "threshold")
