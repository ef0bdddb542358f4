"""The SQLite snapshot sees committed data still in the write-ahead log."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from safepassage.backups.sqlite import take_snapshot


def test_the_snapshot_includes_pages_only_in_the_wal(tmp_path: Path) -> None:
    live = tmp_path / "live.sqlite3"
    writer = sqlite3.connect(live)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("PRAGMA wal_autocheckpoint=0")  # keep every commit in -wal
    writer.execute("CREATE TABLE t (v TEXT)")
    writer.executemany("INSERT INTO t VALUES (?)", [(f"row {n}",) for n in range(500)])
    writer.commit()
    try:
        assert Path(f"{live}-wal").stat().st_size > 0
        # A plain copy of the main file (what `cp` would take) misses the table.
        plain = tmp_path / "plain-copy.sqlite3"
        plain.write_bytes(live.read_bytes())
        copied = sqlite3.connect(plain)
        tables = copied.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        copied.close()
        assert tables == 0

        workdir = tmp_path / "work"
        workdir.mkdir()
        snapshot = take_snapshot(live, workdir)
        # A writer keeps going during and after the snapshot; it is not blocked.
        writer.execute("INSERT INTO t VALUES ('after')")
        writer.commit()
    finally:
        writer.close()
    assert not Path(f"{snapshot}-wal").exists()
    check = sqlite3.connect(snapshot)
    try:
        assert check.execute("SELECT count(*) FROM t").fetchone()[0] == 500
        assert check.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    finally:
        check.close()
