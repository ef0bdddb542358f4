"""How every SafePassage process opens SQLite (settings, and the benchmarks' floor)."""

from __future__ import annotations

from typing import Any

# WAL lets the intake write while the console and worker read; IMMEDIATE takes the write
# lock up front so concurrent writers queue instead of failing.
SQLITE_OPTIONS: dict[str, Any] = {
    "init_command": (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;"
    ),
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
}
