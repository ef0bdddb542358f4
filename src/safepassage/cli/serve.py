"""``safepassage serve``: one tier in production mode."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from types import FrameType

from safepassage.cli.errors import CliError
from safepassage.cli.setup import check_database, check_secret_key, setup_django, unlock_keys


def preflight(role: str) -> None:
    """Everything that must hold before a tier starts; raises CliError otherwise."""
    setup_django(role)
    from django.conf import settings

    if not settings.SAFEPASSAGE_DEMO:
        check_secret_key()
    check_database()
    unlock_keys(role)


def _stop_on_sigterm() -> None:
    def handler(_signum: int, _frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, handler)


def serve(*, role: str, host: str, port: int, workers: int) -> int:
    """Serve ``role``: HTTP through granian for web tiers, the worker loop for ``worker``."""
    preflight(role)
    if role == "worker":
        from safepassage.worker.runner import WorkerRunner

        _stop_on_sigterm()
        print("safepassage worker running; Ctrl-C to stop", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            WorkerRunner().run_forever()
        return 0

    worker_process = None
    if role == "all":
        # The worker holds the secret key in its own process, beside the web workers.
        worker_process = subprocess.Popen(
            [sys.executable, "-m", "safepassage", "serve", "--role", "worker"]
        )
    # The intake's rate limits are per process and divide the configured rates by this
    # (safepassage.intake.conf); the worker processes granian starts inherit it.
    os.environ["SAFEPASSAGE_WORKERS"] = str(max(1, workers))
    try:
        from granian import Granian
        from granian.constants import Interfaces

        Granian(
            "safepassage.wsgi:application",
            address=host,
            port=port,
            interface=Interfaces.WSGI,
            workers=max(1, workers),
            log_access=False,
        ).serve()
    except OSError as error:
        raise CliError(f"cannot listen on {host}:{port} ({error.strerror})") from None
    finally:
        if worker_process is not None:
            worker_process.terminate()
            worker_process.wait(10)
    return 0
