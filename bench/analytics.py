"""Benchmark the analyst dashboard on two years of a busy programme.

    ./dev bench analytics [--cases 1000000] [--database sqlite|postgres|both]
                          [--requests 10] [--reuse]

1. Generates ``--cases`` cases opened over the last two years (the daily rate grows
   with the appeals, weekly rhythm, 12 campaigns), and for each its events: first
   response delay, progress through engaged → verified → planning → surrendered, plans
   that fall through, and closures with a reason.  The cases are bulk-inserted as real
   ``Case`` rows; their events are counted into the counter tables by the same code the
   rebuild command uses (``analytics.rebuild.Tally``), which yields exactly the rows
   the live counters hold after folding.  A day's worth of events is then added as
   *unfolded* rows, as the worker would have written them since the last fold.
2. Signs in an analyst (verified session) and renders, through Django's test client
   (whole middleware stack), ``--requests`` times each:

   * the default dashboard (last 13 weeks by week),
   * two years by week and two years by month, 92 days by day,
   * the full JSON export of two years by week, and the public totals page.

   The first request of the default dashboard also folds the unfolded rows (it does
   that on every visit); it is reported separately.  Target: p95 < 1 s per page.

``--database both`` runs SQLite then PostgreSQL, each in its own process.  PostgreSQL
uses ``--postgres-url``; its ``public`` schema is dropped and recreated, so point it at
a database kept for this.
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SQLITE = ROOT / "var" / "bench" / "analytics.sqlite3"
DEFAULT_POSTGRES = "postgres://safepassage:safepassage@127.0.0.1:5432/safepassage_bench"
TARGET_MS = 1000.0
BATCH = 10_000
LANGUAGES = [("ru", 0.70), ("ko", 0.15), ("uk", 0.10), ("en", 0.05)]
CHANNELS = [("web", 0.45), ("telegram", 0.30), ("whatsapp", 0.12), ("sms", 0.08), ("hotline", 0.05)]
CLOSE_REASONS = [
    ("withdrawn", 0.35),
    ("unreachable", 0.30),
    ("ineligible", 0.15),
    ("duplicate", 0.12),
    ("suspected_provocation", 0.08),
]
CAMPAIGNS = 12


def _weighted(rng: random.Random, table: list[tuple[str, float]]) -> str:
    point = rng.random() * sum(weight for _value, weight in table)
    for value, weight in table:
        point -= weight
        if point <= 0:
            return value
    return table[-1][0]


def _progress(label: str, done: int, total: int, started: float) -> None:
    if done != total and done % max(1, total // 50):
        return
    width = 30
    filled = int(width * done / max(total, 1))
    elapsed = time.monotonic() - started
    sys.stderr.write(
        f"\r{label:<12} [{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,} {elapsed:5.0f}s"
    )
    if done == total:
        sys.stderr.write("\n")
    sys.stderr.flush()


@contextmanager
def _history_timestamps() -> Iterator[None]:
    """Let generated cases keep their past ``created_at`` (normally ``auto_now_add``)."""
    from safepassage.cases.models import Case

    field = Case._meta.get_field("created_at")
    field.auto_now_add = False
    try:
        yield
    finally:
        field.auto_now_add = True


def _opening_days(cases: int, today: datetime.date, rng: random.Random) -> list[datetime.date]:
    """``cases`` opening days over two years: growing, with a weekly rhythm."""
    days = [today - datetime.timedelta(days=n) for n in range(729, -1, -1)]
    weights = [
        (1.0 + 2.0 * i / len(days)) * (0.8 if day.weekday() >= 5 else 1.0)
        for i, day in enumerate(days)
    ]
    return rng.choices(days, weights=weights, k=cases)


def _facts(case_id: int, opened: datetime.date, rng: random.Random, today: datetime.date) -> Any:
    """One case's counted history: responses, funnel progress, closure."""
    from safepassage.analytics.rebuild import CaseFacts

    facts = CaseFacts(
        case_id=case_id,
        opened_on=opened,
        channel=_weighted(rng, CHANNELS),
        language=_weighted(rng, LANGUAGES),
        campaign_id=rng.randint(1, CAMPAIGNS) if rng.random() < 0.55 else None,
    )
    if rng.random() < 0.97:
        delay = datetime.timedelta(seconds=min(rng.lognormvariate(6.3, 1.1), 5 * 86400))
        facts.first_response_delay = delay
        facts.first_response_on = min(opened + datetime.timedelta(days=delay.days), today)
    day = opened
    state = "new"

    def move(to: str, reason: str = "", within: int = 5) -> None:
        nonlocal day, state
        day = min(day + datetime.timedelta(days=rng.randint(0, within)), today)
        facts.transitions.append((day, state, to, reason))
        state = to

    path = [("engaged", 0.80), ("verified", 0.35), ("planning", 0.45), ("surrendered", 0.70)]
    for target, chance in path:
        if rng.random() >= chance:
            break
        move(target, within=3 if target == "engaged" else 20)
        if target == "planning" and rng.random() < 0.2:
            move("verified", within=10)  # the plan fell through …
            move("planning", within=15)  # … and was made again
    if state == "surrendered":
        if rng.random() < 0.8:
            move("closed", "completed", within=30)
    elif rng.random() < 0.85:
        move("closed", _weighted(rng, CLOSE_REASONS), within=40)
    return facts, state


def generate(cases: int, seed: int = 20241023) -> dict[str, Any]:
    """Fill the (migrated, empty) database; return timings and the analyst's id."""
    from django.db import transaction

    from safepassage.accounts.models import Account, Role
    from safepassage.analytics.rebuild import Tally, write_tally
    from safepassage.campaigns.models import Campaign
    from safepassage.cases.models import Case

    rng = random.Random(seed)
    today = datetime.date.today()
    started = time.monotonic()
    Campaign.objects.bulk_create(
        Campaign(id=n, code=f"APPEAL{n:02d}", title=f"Appeal {n}", languages=["ru"])
        for n in range(1, CAMPAIGNS + 1)
    )
    opening = sorted(_opening_days(cases, today, rng))
    tally = Tally()
    next_id = 1
    with _history_timestamps():
        for start in range(0, cases, BATCH):
            rows = []
            for offset, opened in enumerate(opening[start : start + BATCH]):
                case_id = next_id + offset
                facts, state = _facts(case_id, opened, rng, today)
                tally.add(facts)
                closed = facts.transitions[-1][3] if state == "closed" else ""
                rows.append(
                    Case(
                        id=case_id,
                        reference=f"B{case_id:08d}",
                        state=state,
                        close_reason=closed,
                        language=facts.language,
                        first_channel=facts.channel,
                        campaign_id=facts.campaign_id,
                        created_at=datetime.datetime.combine(
                            opened, datetime.time(12), tzinfo=datetime.UTC
                        ),
                    )
                )
            with transaction.atomic():
                Case.objects.bulk_create(rows, batch_size=2000)
            next_id += len(rows)
            _progress("cases", min(start + BATCH, cases), cases, started)
    generated = time.monotonic() - started
    started = time.monotonic()
    with transaction.atomic():
        counter_rows = write_tally(tally)
    counted = time.monotonic() - started
    analyst = Account.objects.create_account(
        "bench-analyst", "bench analyst password 1", role=Role.ANALYST, languages=["en"]
    )
    return {
        "analyst": analyst.pk,
        "generation_seconds": round(generated, 1),
        "counting_seconds": round(counted, 1),
        "counter_rows": counter_rows,
    }


def add_unfolded(cases: int, seed: int = 7) -> int:
    """Today's events as the worker writes them (rows of one event each), not yet folded:
    a day's inquiries of a programme this size.  Returns the number of rows."""
    from safepassage.analytics.counters import event_rows
    from safepassage.analytics.models import DailyCount, Metric

    rng = random.Random(seed)
    today = datetime.date.today()
    fresh = [
        row
        for _ in range(max(1, cases // 730))
        for row in event_rows(
            today,
            Metric.OPENED,
            channel=_weighted(rng, CHANNELS),
            language=_weighted(rng, LANGUAGES),
            campaign_id=rng.randint(1, CAMPAIGNS),
        )
    ]
    DailyCount.objects.bulk_create(fresh, batch_size=2000)
    return len(fresh)


def _client_for(account_id: int) -> Any:
    from django.test import Client

    from safepassage.accounts.models import Account
    from safepassage.accounts.sessions import mark_verified

    account = Account.objects.get(pk=account_id)
    client = Client()
    client.force_login(account)
    session = client.session
    mark_verified(session, account)
    session.save()
    return client


def _timed(label: str, requests: int, call: Callable[[], Any]) -> dict[str, float]:
    samples = []
    started = time.monotonic()
    for i in range(requests):
        t0 = time.perf_counter()
        response = call()
        samples.append((time.perf_counter() - t0) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{label}: HTTP {response.status_code}")
        _progress(label[:12], i + 1, requests, started)
    samples.sort()
    return {
        "p50_ms": round(statistics.median(samples), 1),
        "p95_ms": round(samples[max(0, math.ceil(len(samples) * 0.95) - 1)], 1),
        "max_ms": round(samples[-1], 1),
    }


def measure(analyst: int, requests: int) -> dict[str, dict[str, float]]:
    """Times per page (the first dashboard visit, which folds new rows, on its own)."""
    client = _client_for(analyst)
    today = datetime.date.today()
    two_years = (today - datetime.timedelta(days=729)).isoformat()
    quarter = (today - datetime.timedelta(days=91)).isoformat()
    client.get("/console/stats/public/")  # warm up: templates, URL resolver, connection
    t0 = time.perf_counter()
    first = client.get("/console/stats/")
    results = {"first visit (folds new rows)": {"ms": round((time.perf_counter() - t0) * 1000, 1)}}
    if first.status_code != 200:
        raise SystemExit(f"dashboard: HTTP {first.status_code}")
    pages = {
        "dashboard, 13 weeks": "/console/stats/",
        "2 years by week": f"/console/stats/?start={two_years}&end={today}&granularity=week",
        "2 years by month": f"/console/stats/?start={two_years}&end={today}&granularity=month",
        "92 days by day": f"/console/stats/?start={quarter}&end={today}&granularity=day",
        "JSON export, 2 years": (
            f"/console/stats/export/all.json?start={two_years}&end={today}&granularity=week"
        ),
        "public totals": "/console/stats/public/",
    }
    for label, url in pages.items():

        def fetch(url: str = url) -> Any:
            return client.get(url)

        results[label] = _timed(label, requests, fetch)
    return results


def _prepare_database(args: argparse.Namespace) -> None:
    if args.database == "sqlite":
        path = Path(args.sqlite_path)
        path.parent.mkdir(parents=True, exist_ok=True)
        if not args.reuse:
            for suffix in ["", "-wal", "-shm"]:
                Path(str(path) + suffix).unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    else:
        os.environ["DATABASE_URL"] = args.postgres_url
        if not args.reuse:
            import psycopg

            with psycopg.connect(args.postgres_url, autocommit=True) as conn:
                conn.execute("DROP SCHEMA public CASCADE")
                conn.execute("CREATE SCHEMA public")


def run_one(args: argparse.Namespace) -> dict[str, Any]:
    """Generate (or reuse) and measure on one database, in this process."""
    _prepare_database(args)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safepassage.settings")
    os.environ["SAFEPASSAGE_ALLOWED_HOSTS"] = "testserver"
    os.environ["SAFEPASSAGE_INSECURE_HTTP"] = "1"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from safepassage.accounts.models import Account
    from safepassage.cases.models import Case

    existing = Account.objects.filter(username="bench-analyst").first()
    if args.reuse and existing is not None and Case.objects.count() >= args.cases:
        data: dict[str, Any] = {"analyst": existing.pk, "generation_seconds": 0}
    else:
        data = generate(args.cases)
    data["unfolded_rows"] = add_unfolded(args.cases)
    return {
        "database": args.database,
        "cases": args.cases,
        **data,
        "pages": measure(data["analyst"], args.requests),
    }


def _report(result: dict[str, Any]) -> None:
    print(f"\n{result['database']}: {result['cases']:,} cases over two years")
    if result.get("generation_seconds"):
        print(
            f"  generated in {result['generation_seconds']}s; counted into "
            f"{result['counter_rows']:,} counter rows in {result['counting_seconds']}s"
        )
    print(f"  {result['unfolded_rows']:,} counter rows of today's events not yet folded")
    print(f"  {'page':<32}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}   target < {TARGET_MS:.0f} ms")
    for label, figures in result["pages"].items():
        if "ms" in figures:
            print(f"  {label:<32}{figures['ms']:>9}")
        else:
            print(
                f"  {label:<32}{figures['p50_ms']:>9}{figures['p95_ms']:>9}{figures['max_ms']:>9}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=10)
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="sqlite")
    parser.add_argument("--sqlite-path", default=str(DEFAULT_SQLITE))
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES)
    parser.add_argument("--reuse", action="store_true", help="measure an existing database")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args()
    if args.database == "both":
        for database in ("sqlite", "postgres"):
            # argparse keeps the last --database given.
            command = [sys.executable, __file__, *sys.argv[1:], "--database", database]
            subprocess.run(command, check=True)
        return
    result = run_one(args)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        _report(result)


if __name__ == "__main__":
    main()
