"""The progress bar: drawn on a terminal, silent in cron, systemd and pipes."""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios

SCRIPT = """
from safepassage.backups.progress import progress_bar
with progress_bar("backup", 4 * 1024 * 1024) as advance:
    for _ in range(4):
        advance(1024 * 1024)
"""


def test_the_bar_is_drawn_on_a_terminal() -> None:
    controller, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    try:
        process = subprocess.Popen(  # noqa: S603 - this interpreter
            [sys.executable, "-c", SCRIPT], stdout=terminal, stderr=terminal, stdin=terminal
        )
        os.close(terminal)
        output = b""
        while True:
            try:
                chunk = os.read(controller, 4096)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            output += chunk
        assert process.wait(timeout=60) == 0
    finally:
        os.close(controller)
    text = output.decode("utf-8", "replace")
    assert "backup:" in text
    assert "/4.00M" in text  # bytes, scaled


def test_the_bar_is_silent_without_a_terminal() -> None:
    result = subprocess.run(  # noqa: S603 - this interpreter
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stderr == ""
    assert result.stdout == ""
