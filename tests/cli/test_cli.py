"""The ``safepassage`` command, run as a real subprocess.

Every deployment mistake must end in one line on stderr and a non-zero exit, never a
traceback and never a half-started server.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

PASSPHRASE = "cli test passphrase"
pytestmark = pytest.mark.slow


def run_cli(
    *args: str, env: dict[str, str], timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own CLI
        [sys.executable, "-m", "safepassage", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def assert_one_line_error(result: subprocess.CompletedProcess[str], fragment: str) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("safepassage: error: ")
    assert fragment in lines[0]


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A migrated SQLite deployment with a key file and a public key file."""
    root = tmp_path_factory.mktemp("deployment")
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(root),
        "DATABASE_URL": f"sqlite:///{root / 'db.sqlite3'}",
        "SAFEPASSAGE_VAR_DIR": str(root),
        "SAFEPASSAGE_SECRET_KEY": "cli-test-secret-key-" + "k" * 40,
        "SAFEPASSAGE_KEY_FILE": str(root / "keys.json"),
        "SAFEPASSAGE_KEY_PASSPHRASE": PASSPHRASE,
        "SAFEPASSAGE_LOG_LEVEL": "WARNING",
    }
    created = run_cli("keys", "init", "--public-out", str(root / "public.json"), env=env)
    assert created.returncode == 0, created.stderr
    migrated = run_cli("manage", "migrate", "--verbosity", "0", env=env)
    assert migrated.returncode == 0, migrated.stderr
    return env


def test_keys_init_writes_a_private_file_and_a_public_file(deployment: dict[str, str]) -> None:
    key_file = Path(deployment["SAFEPASSAGE_KEY_FILE"])
    public_file = key_file.with_name("public.json")
    assert key_file.stat().st_mode & 0o777 == 0o600
    public = json.loads(public_file.read_text())
    assert "sealed" not in public
    assert "secret" not in public_file.read_text().lower().replace("secret_key", "")


def test_a_fresh_sqlite_database_and_its_journal_are_owner_only(
    deployment: dict[str, str],
) -> None:
    database = Path(deployment["DATABASE_URL"].removeprefix("sqlite:///"))
    # `manage migrate` created it on a fresh path (the deployment fixture).
    assert database.stat().st_mode & 0o777 == 0o600
    # The -wal and -shm files exist while a connection is open: look at them then.
    script = (
        "import os; from django.db import connection;"
        "from safepassage.audit.chain import record_event;"
        "record_event('check.modes');"
        f"print(*(oct(os.stat('{database}' + s).st_mode & 0o777) for s in ('-wal', '-shm')))"
    )
    result = run_cli("manage", "shell", "-c", script, env=deployment)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == ["0o600", "0o600"]


def test_a_world_readable_database_is_tightened_on_start(
    deployment: dict[str, str], tmp_path: Path
) -> None:
    database = Path(deployment["DATABASE_URL"].removeprefix("sqlite:///"))
    database.chmod(0o644)
    result = run_cli("audit", "verify", env=deployment)
    assert result.returncode == 0, result.stderr
    assert database.stat().st_mode & 0o777 == 0o600


def test_keys_init_refuses_to_overwrite(deployment: dict[str, str]) -> None:
    result = run_cli("keys", "init", env=deployment)
    assert_one_line_error(result, "exists")


def test_show_public_prints_the_public_part(deployment: dict[str, str]) -> None:
    result = run_cli("keys", "show-public", env=deployment)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)


def test_wrong_passphrase_is_one_line(deployment: dict[str, str]) -> None:
    env = {**deployment, "SAFEPASSAGE_KEY_PASSPHRASE": "not the passphrase"}
    assert_one_line_error(
        run_cli("serve", "--role", "console", "--port", "1", env=env), "passphrase"
    )


def test_missing_passphrase_is_one_line(deployment: dict[str, str]) -> None:
    env = {k: v for k, v in deployment.items() if k != "SAFEPASSAGE_KEY_PASSPHRASE"}
    assert_one_line_error(
        run_cli("serve", "--role", "worker", env=env), "SAFEPASSAGE_KEY_PASSPHRASE"
    )


def test_missing_key_file_is_one_line(deployment: dict[str, str], tmp_path: Path) -> None:
    env = {**deployment, "SAFEPASSAGE_KEY_FILE": str(tmp_path / "absent.json")}
    assert_one_line_error(run_cli("serve", "--role", "worker", env=env), "absent.json")


def test_corrupt_key_file_is_one_line(deployment: dict[str, str], tmp_path: Path) -> None:
    corrupt = tmp_path / "corrupt.json"
    original = json.loads(Path(deployment["SAFEPASSAGE_KEY_FILE"]).read_text())
    original["sealed"] = original["sealed"][:-20]
    corrupt.write_text(json.dumps(original))
    env = {**deployment, "SAFEPASSAGE_KEY_FILE": str(corrupt)}
    result = run_cli("serve", "--role", "console", "--port", "1", env=env)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("safepassage: error: ")


def test_unreachable_database_is_one_line(deployment: dict[str, str]) -> None:
    env = {**deployment, "DATABASE_URL": "postgres://nobody:secretpw@127.0.0.1:1/nothing"}
    result = run_cli("serve", "--role", "worker", env=env)
    assert_one_line_error(result, "cannot reach the PostgreSQL database nothing")
    assert "secretpw" not in result.stderr


def test_unapplied_migrations_are_one_line(deployment: dict[str, str], tmp_path: Path) -> None:
    env = {**deployment, "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}"}
    assert_one_line_error(run_cli("serve", "--role", "worker", env=env), "manage migrate")


def test_production_refuses_to_start_without_a_secret_key(deployment: dict[str, str]) -> None:
    env = {k: v for k, v in deployment.items() if k != "SAFEPASSAGE_SECRET_KEY"}
    assert_one_line_error(run_cli("serve", "--role", "worker", env=env), "SAFEPASSAGE_SECRET_KEY")


def test_intake_refuses_a_secret_key_file(deployment: dict[str, str]) -> None:
    env = {**deployment, "SAFEPASSAGE_PUBLIC_KEY_FILE": deployment["SAFEPASSAGE_KEY_FILE"]}
    env.pop("SAFEPASSAGE_KEY_FILE")
    env.pop("SAFEPASSAGE_KEY_PASSPHRASE")
    result = run_cli("serve", "--role", "intake", "--port", "1", env=env)
    assert_one_line_error(result, "public key file only")


def test_intake_refuses_to_start_when_the_key_file_is_configured(
    deployment: dict[str, str],
) -> None:
    env = {
        **deployment,
        "SAFEPASSAGE_PUBLIC_KEY_FILE": str(
            Path(deployment["SAFEPASSAGE_KEY_FILE"]).with_name("public.json")
        ),
    }
    result = run_cli("serve", "--role", "intake", "--port", "1", env=env)
    assert_one_line_error(result, "SAFEPASSAGE_KEY_FILE")


def test_intake_refuses_to_start_when_given_the_passphrase(deployment: dict[str, str]) -> None:
    # The key file is elsewhere (not configured), but the passphrase that opens it is here.
    env = {
        **deployment,
        "SAFEPASSAGE_PUBLIC_KEY_FILE": str(
            Path(deployment["SAFEPASSAGE_KEY_FILE"]).with_name("public.json")
        ),
    }
    env.pop("SAFEPASSAGE_KEY_FILE")
    result = run_cli("serve", "--role", "intake", "--port", "1", env=env)
    assert_one_line_error(result, "must not be given the key passphrase (SAFEPASSAGE_KEY_")
    assert PASSPHRASE not in result.stderr
    # Under another variable name too, when the deployment renames it.
    env = {k: v for k, v in env.items() if k != "SAFEPASSAGE_KEY_PASSPHRASE"}
    env |= {"SAFEPASSAGE_KEY_PASSPHRASE_ENV": "KEYS_PASS", "KEYS_PASS": PASSPHRASE}
    result = run_cli("serve", "--role", "intake", "--port", "1", env=env)
    assert_one_line_error(result, "(KEYS_PASS)")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def intake_server(deployment: dict[str, str]) -> Iterator[str]:
    """``safepassage serve --role intake`` with only the public key file and no passphrase."""
    port = _free_port()
    env = {
        k: v
        for k, v in deployment.items()
        if k not in {"SAFEPASSAGE_KEY_FILE", "SAFEPASSAGE_KEY_PASSPHRASE"}
    }
    env["SAFEPASSAGE_PUBLIC_KEY_FILE"] = str(
        Path(deployment["SAFEPASSAGE_KEY_FILE"]).with_name("public.json")
    )
    process = subprocess.Popen(  # noqa: S603 - our own CLI
        [
            sys.executable,
            "-m",
            "safepassage",
            "serve",
            "--role",
            "intake",
            "--port",
            str(port),
            "--workers",
            "1",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if process.poll() is not None:
                output = process.stdout.read().decode() if process.stdout else ""
                pytest.fail(f"intake exited early: {output}")
            try:
                urllib.request.urlopen(base + "/console/", timeout=1)  # noqa: S310 - loopback
            except urllib.error.HTTPError:
                break
            except OSError:
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(15)


def test_intake_serves_with_the_public_key_only(intake_server: str) -> None:
    # The console is not mounted on the intake tier at all.
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(intake_server + "/console/", timeout=5)  # noqa: S310 - loopback
    assert error.value.code == 404


def test_audit_verify_reports_tampering(deployment: dict[str, str]) -> None:
    import sqlite3

    ok = run_cli("audit", "verify", env=deployment)
    assert ok.returncode == 0, ok.stderr
    assert "intact" in ok.stdout
    database = deployment["DATABASE_URL"].removeprefix("sqlite:///")
    # Append two events through the real code, then edit the first one.
    script = (
        "from safepassage.audit.chain import record_event;"
        "record_event('case.opened', object_type='case', object_ref='AAA-BBB-CCC');"
        "record_event('case.opened', object_type='case', object_ref='DDD-EEE-FFF')"
    )
    appended = run_cli("manage", "shell", "-c", script, env=deployment)
    assert appended.returncode == 0, appended.stderr
    with sqlite3.connect(database) as connection:
        connection.execute("UPDATE audit_auditevent SET object_ref='ZZZ' WHERE seq=1")
    broken = run_cli("audit", "verify", env=deployment)
    assert_one_line_error(broken, "broken at event #1")


def test_check_reports_insecure_settings(deployment: dict[str, str]) -> None:
    env = {**deployment, "SAFEPASSAGE_INSECURE_HTTP": "1"}
    result = run_cli("check", env=env)
    assert result.returncode == 1
    assert "[ok] Django secret key configured" in result.stdout
    assert "[FAIL] cookies marked Secure" in result.stdout
    assert "Traceback" not in result.stderr


def test_check_names_a_malformed_flood_setting(deployment: dict[str, str]) -> None:
    result = run_cli("check", env={**deployment, "SAFEPASSAGE_FLOOD_BURST": "sixty"})
    assert result.returncode == 1
    assert "[FAIL] flood settings: SAFEPASSAGE_FLOOD_BURST must be COUNT/SECONDS" in result.stdout
    assert "Traceback" not in result.stderr
    fine = run_cli("check", env=deployment)
    assert "[ok] flood settings valid" in fine.stdout
    assert "[FAIL] audit witness file set (SAFEPASSAGE_AUDIT_WITNESS_FILE)" in fine.stdout
    witnessed = {**deployment, "SAFEPASSAGE_AUDIT_WITNESS_FILE": "/srv/witness/audit.log"}
    assert (
        "[ok] audit heads witnessed in /srv/witness/audit.log"
        in run_cli("check", env=witnessed).stdout
    )


def test_the_demo_creates_its_files_owner_only(tmp_path: Path) -> None:
    port = _free_port()
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "SAFEPASSAGE_LOG_LEVEL": "WARNING"}
    process = subprocess.Popen(  # noqa: S603 - our own CLI
        [sys.executable, "-m", "safepassage", "demo", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    demo = tmp_path / "var" / "demo"
    try:
        assert process.stdout is not None
        deadline = time.monotonic() + 300
        for line in process.stdout:
            if "Ctrl-C stops the demo" in line or time.monotonic() > deadline:
                break
        assert process.poll() is None, "the demo exited early"
        # A request makes the server open the database, so -wal and -shm exist.
        urllib.request.urlopen(f"http://127.0.0.1:{port}/en/", timeout=30)
        names = [
            "safepassage.sqlite3",
            "safepassage.sqlite3-wal",
            "safepassage.sqlite3-shm",
            "keys.json",
            "passphrase",
            "django-secret-key",
            "logins.txt",
        ]
        modes = {name: oct((demo / name).stat().st_mode & 0o777) for name in names}
        assert modes == dict.fromkeys(names, "0o600")
    finally:
        process.terminate()
        process.wait(30)


def test_check_names_a_malformed_retention_setting(deployment: dict[str, str]) -> None:
    result = run_cli("check", env={**deployment, "SAFEPASSAGE_RETENTION_WITHDRAWN_DAYS": "soon"})
    assert result.returncode == 1
    assert (
        "[FAIL] retention settings: SAFEPASSAGE_RETENTION_WITHDRAWN_DAYS must be a whole number"
        in result.stdout
    )
    assert "Traceback" not in result.stderr
    fine = run_cli("check", env=deployment)
    assert "[ok] retention settings valid" in fine.stdout


def test_a_port_in_use_is_one_line(deployment: dict[str, str]) -> None:
    with socket.socket() as taken:
        taken.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        result = run_cli("serve", "--role", "console", "--port", port, env=deployment)
    assert_one_line_error(result, f"cannot listen on 127.0.0.1:{port} (address in use)")


def test_a_missing_sqlite_database_is_one_line_and_not_created(
    deployment: dict[str, str], tmp_path: Path
) -> None:
    missing = tmp_path / "gone.sqlite3"
    env = {**deployment, "DATABASE_URL": f"sqlite:///{missing}"}
    assert_one_line_error(run_cli("serve", "--role", "worker", env=env), "manage migrate")
    assert not missing.exists()


def _nice_of(pid: int) -> int:
    # Field 19 of /proc/PID/stat; the command name (field 2) may hold spaces, so split
    # after its closing parenthesis.
    stat = Path(f"/proc/{pid}/stat").read_text()
    return int(stat.rsplit(")", 1)[1].split()[16])


@pytest.mark.parametrize(("configured", "expected_increment"), [(None, 10), ("0", 0)])
def test_the_worker_yields_the_cpu_to_the_web_tiers(
    deployment: dict[str, str], configured: str | None, expected_increment: int
) -> None:
    env = dict(deployment)
    if configured is not None:
        env["SAFEPASSAGE_WORKER_NICE"] = configured
    process = subprocess.Popen(
        [sys.executable, "-m", "safepassage", "serve", "--role", "worker"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert "worker running" in line, line
        assert _nice_of(process.pid) == _nice_of(os.getpid()) + expected_increment
    finally:
        process.terminate()
        process.wait(15)
