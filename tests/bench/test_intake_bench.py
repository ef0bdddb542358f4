"""Smoke run of bench/intake.py: both tiers as processes, the drain, kill -9, no loss.

The rates a ``--quick`` run prints mean nothing (it is paced and tiny); what it proves
is that the benchmark's machinery works, so its figures in the README can be re-made:
the intake and worker start as ``serve`` processes, a genuine applicant's receipt signs
in during a drain, both tiers survive SIGKILL, and every acknowledged submission is
stored.  PostgreSQL runs use the test run's server with a database of their own.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def _fresh_postgres_database(url: str, name: str) -> str:
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://", 1), autocommit=True) as db:
        db.execute(f"DROP DATABASE IF EXISTS {name}")
        db.execute(f"CREATE DATABASE {name}")
    return url.rsplit("/", 1)[0] + "/" + name


def test_quick_intake_bench_loses_nothing() -> None:
    """``bench/intake.py --quick`` ends 0 and prints every phase and a loss count of 0."""
    env = dict(os.environ)
    database_url = env.get("DATABASE_URL", "")
    command = [sys.executable, str(ROOT / "bench" / "intake.py"), "--quick"]
    if database_url.startswith("postgres"):
        command += ["--database-url", _fresh_postgres_database(database_url, "sp_bench_smoke")]
    done = subprocess.run(  # noqa: S603 (our own bench script)
        command, capture_output=True, text=True, timeout=600, env=env, check=False
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    out = done.stdout
    for phase in ("1. worker stopped", "2. flood", "3. worker draining", "4. kill -9", "5. drain"):
        assert phase in out
    assert "0 still pending" in out
    assert ": 0 lost" in out
    assert "MISSED" not in out
