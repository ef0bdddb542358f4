"""``safepassage demo``: everything on one laptop, in one process, on SQLite."""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import threading
from pathlib import Path
from types import FrameType

from safepassage.cli.errors import CliError

DEMO_DIR = Path("var") / "demo"


def _secret_file(path: Path, nbytes: int) -> str:
    """Read a demo secret from ``path``, creating it (mode 0600) on first use."""
    if not path.exists():
        path.write_text(secrets.token_urlsafe(nbytes))
        path.chmod(0o600)
    return path.read_text().strip()


def _prepare_environment() -> None:
    DEMO_DIR.mkdir(parents=True, exist_ok=True)
    var = DEMO_DIR.parent.resolve()
    os.environ["SAFEPASSAGE_DEMO"] = "1"
    os.environ["SAFEPASSAGE_ROLE"] = "all"
    os.environ["SAFEPASSAGE_VAR_DIR"] = str(var)
    # The demo is plain HTTP on loopback; production assumes TLS.
    os.environ["SAFEPASSAGE_INSECURE_HTTP"] = "1"
    os.environ.setdefault(
        "DATABASE_URL", f"sqlite:///{(DEMO_DIR / 'safepassage.sqlite3').resolve()}"
    )
    os.environ["SAFEPASSAGE_KEY_FILE"] = str((DEMO_DIR / "keys.json").resolve())
    os.environ["SAFEPASSAGE_KEY_PASSPHRASE"] = _secret_file(DEMO_DIR / "passphrase", 24)
    os.environ["SAFEPASSAGE_SECRET_KEY"] = _secret_file(DEMO_DIR / "django-secret-key", 48)
    os.environ["SAFEPASSAGE_ALLOWED_HOSTS"] = "127.0.0.1,localhost"
    # Signed audit heads are witnessed outside the database, as in production.
    os.environ.setdefault(
        "SAFEPASSAGE_AUDIT_WITNESS_FILE", str((DEMO_DIR / "audit-witness.log").resolve())
    )


def _print_banner(port: int, logins_text: str) -> None:
    base = f"http://127.0.0.1:{port}"
    print(
        "\nSafePassage demo is running (intake, console and worker in one process).\n"
        f"  Public site:  {base}/\n"
        f"  Console:      {base}/console/\n\n"
        f"{logins_text}\n"
        "Demo logins and receipts are also in var/demo/logins.txt.  Ctrl-C stops the demo.\n",
        flush=True,
    )


def _load_demo_data() -> str:
    from django.db import transaction

    from safepassage.demo.load import create_accounts, create_campaigns, create_cases

    with transaction.atomic():
        logins = create_accounts()
        create_campaigns()
    receipts = create_cases()
    lines = [
        "Console logins: the password, then the 6-digit code of an authenticator app set up",
        "with the TOTP secret, or the code printed by",
        "  .venv/bin/python -c \"import pyotp; print(pyotp.TOTP('SECRET').now())\"",
    ]
    for login in logins:
        lines.append(
            f"  {login.username:<12} {login.role:<10} password {login.password:<24} "
            f"TOTP secret {login.totp_secret}"
        )
    lines.append("Demo receipts (open /<lang>/inbox on the public site and type one):")
    for language, receipt in receipts.items():
        lines.append(f"  {language}: {receipt}")
    return "\n".join(lines) + "\n"


def run_demo(*, port: int, reset: bool) -> int:
    """Set up ./var/demo (database, keys, demo data) and serve every tier until Ctrl-C."""
    if reset and DEMO_DIR.exists():
        shutil.rmtree(DEMO_DIR)
    _prepare_environment()
    from safepassage.cli.setup import setup_django

    setup_django("all")
    from django.core.management import call_command

    from safepassage.crypto import keyfile
    from safepassage.crypto.errors import KeyFileError

    print("Preparing the demo database in var/demo/ …", flush=True)
    call_command("migrate", verbosity=0, interactive=False)
    key_path = Path(os.environ["SAFEPASSAGE_KEY_FILE"])
    try:
        if not key_path.exists():
            keyfile.create_keyfile(key_path, os.environ["SAFEPASSAGE_KEY_PASSPHRASE"])
        from safepassage.cli.setup import unlock_keys

        unlock_keys("all")
    except KeyFileError as error:
        raise CliError(f"{error} (delete var/demo or run `safepassage demo --reset`)") from None

    from safepassage.accounts.models import Account

    logins_file = DEMO_DIR / "logins.txt"
    if not Account.objects.exists():
        print("Loading demo data (accounts, campaigns, cases in four languages) …", flush=True)
        logins_file.write_text(_load_demo_data())
        logins_file.chmod(0o600)
    logins_text = logins_file.read_text() if logins_file.exists() else ""

    return _serve_demo(port, logins_text)


def _serve_demo(port: int, logins_text: str) -> int:
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application

    from safepassage.worker.runner import WorkerRunner

    try:
        httpd = ThreadedWSGIServer(("127.0.0.1", port), WSGIRequestHandler)
    except OSError as error:
        raise CliError(
            f"cannot listen on 127.0.0.1:{port} ({error.strerror}); try --port"
        ) from None
    httpd.set_app(get_wsgi_application())
    httpd.daemon_threads = True
    worker = WorkerRunner()
    worker.start()

    def stop(_signum: int, _frame: FrameType | None) -> None:
        threading.Thread(target=httpd.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    _print_banner(port, logins_text)
    try:
        httpd.serve_forever(poll_interval=0.5)
    finally:
        print("Stopping …", flush=True)
        worker.stop()
        httpd.server_close()
    print("Stopped.", flush=True)
    return 0
