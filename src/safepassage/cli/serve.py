"""``safepassage serve``: one tier in production mode."""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import socket
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


def check_port(host: str, port: int) -> None:
    """Refuse, in one line, an address another process already listens on.

    Granian would otherwise start, log, and end in a Rust-side RuntimeError with a
    traceback; binding here first (and releasing at once) turns that into a CliError.
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise CliError(f"cannot listen on {host}:{port} ({error.strerror})") from None
    family, _type, _proto, _name, address = infos[0]
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        # Granian sets SO_REUSEADDR too, so a socket in TIME_WAIT does not refuse here.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as error:
            reason = "address in use" if error.errno == errno.EADDRINUSE else error.strerror
            raise CliError(f"cannot listen on {host}:{port} ({reason})") from None


def _stop_on_sigterm() -> None:
    def handler(_signum: int, _frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, handler)


def lower_cpu_priority(increment: int) -> None:
    """Run this process ``increment`` nice levels lower (nothing for 0 or less).

    The kernel then gives the intake's request handling the CPU first whenever both
    want it; the worker still gets every idle cycle, so a backlog drains as fast on an
    otherwise idle host."""
    if increment > 0:
        os.nice(increment)


def serve(*, role: str, host: str, port: int, workers: int) -> int:
    """Serve ``role``: HTTP through granian for web tiers, the worker loop for ``worker``."""
    preflight(role)
    if role == "worker":
        from django.conf import settings

        from safepassage.worker.runner import WorkerRunner

        _stop_on_sigterm()
        lower_cpu_priority(settings.SAFEPASSAGE_WORKER_NICE)
        print("safepassage worker running; Ctrl-C to stop", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            WorkerRunner().run_forever()
        return 0

    check_port(host, port)
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
    except RuntimeError as error:
        # Granian reports a bind that lost a race with another process this way.
        raise CliError(f"cannot start the server on {host}:{port} ({error})") from None
    finally:
        if worker_process is not None:
            worker_process.terminate()
            worker_process.wait(10)
    return 0
