"""Benchmark flood detection: fingerprint cost, ``note_new_case`` cost, detection quality.

    ./dev bench floods [--cases 12500] [--calls 400] [--database-url postgres://…]

1. **Fingerprint.**  Keyed MinHash band digests of typical first messages (about 60
   characters, Russian, Korean, Ukrainian, English): p50/p99 per message, in this process.
   Budget: 0.15 ms.
2. **note_new_case.**  On a fresh database (SQLite by default) holding ``--cases`` earlier
   cases spread over the 14-day look-back window, each with an arrival mark and 16 band
   marks (12,500 cases = 200,000 band rows), times ``--calls`` calls for new, unrelated
   cases (the ordinary case: every call inside a transaction, as in the worker) and
   ``--calls`` calls for copies of one message during a flood (the case joins a group).
   Reports p50/p99 and the queries per call.
3. **Quality.**  Precision and recall of "near-duplicate" (two shared bands) over every
   pair of the labelled messages in ``bench/floods_corpus.py``: variants of one entry
   should be found, different entries (same topic, same language) should not.
"""

from __future__ import annotations

import argparse
import datetime
import functools
import itertools
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from floods_corpus import CORPUS

TYPICAL = {
    "ru": "Здравствуйте, я хочу сдаться, нас трое, мы стоим под Курском",
    "ko": "안녕하세요 저는 쿠르스크에 있는 북한 군인입니다 항복하고 싶습니다 도와주세요",
    "uk": "Доброго дня, мій брат потрапив у полон під Курськом, що робити?",
    "en": "Hello, I want to surrender, there are three of us near Kursk now",
}
BUDGET_MS = 0.15


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 4),
        "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000, 4),
    }


def _timed(func: Callable[[], object], repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        samples.append(time.perf_counter() - start)
    return samples


def bench_fingerprint(keyring: Any, repeat: int = 5000) -> dict[str, dict[str, float]]:
    """Per-language p50/p99 of ``fingerprint`` (normalise, shingle, MinHash, 16 keyed
    digests)."""
    from safepassage.floods.fingerprint import fingerprint

    results = {}
    for language, text in TYPICAL.items():
        fingerprint(text, keyring)  # warm
        results[f"{language} ({len(text)} chars)"] = _percentiles(
            _timed(functools.partial(fingerprint, text, keyring), repeat)
        )
    return results


def quality(keyring: Any) -> dict[str, Any]:
    """Precision and recall of near-duplicate detection over every pair of the corpus."""
    from safepassage.floods.fingerprint import MIN_SHARED_BANDS, fingerprint

    items = [
        ((language, n), fingerprint(text, keyring))
        for language, entries in CORPUS.items()
        for n, (base, variants) in enumerate(entries)
        for text in [base, *variants]
    ]
    counts = {"tp": 0, "fn": 0, "fp": 0, "tn": 0}
    for (label_a, print_a), (label_b, print_b) in itertools.combinations(items, 2):
        found = len(set(print_a) & set(print_b)) >= MIN_SHARED_BANDS
        same = label_a == label_b
        counts[("tp" if found else "fn") if same else ("fp" if found else "tn")] += 1
    found_pairs = counts["tp"] + counts["fp"]
    return {
        **counts,
        "messages": len(items),
        "precision": round(counts["tp"] / found_pairs, 3) if found_pairs else 1.0,
        "recall": round(counts["tp"] / (counts["tp"] + counts["fn"]), 3),
    }


def fill(cases: int, seed: int = 11) -> None:
    """``cases`` earlier cases over the last 14 days, each with its arrival and 16 band
    marks under random digests (unrelated texts), inserted in bulk."""
    from django.db import transaction
    from django.utils import timezone

    from safepassage.cases.models import Case
    from safepassage.floods.fingerprint import BANDS, arrival_digest
    from safepassage.floods.models import CaseMark, MarkKind

    rng = random.Random(seed)
    now = timezone.now()
    channels = ["web", "telegram", "whatsapp", "sms"]
    batch = 2000
    for start in range(0, cases, batch):
        with transaction.atomic():
            made = Case.objects.bulk_create(
                [
                    Case(language=rng.choice(["ru", "ko", "uk", "en"]), first_channel="web")
                    for _ in range(min(batch, cases - start))
                ]
            )
            marks = []
            for case in made:
                at = now - datetime.timedelta(seconds=rng.uniform(60, 14 * 86400))
                channel = rng.choice(channels)
                marks.append(
                    CaseMark(
                        digest=arrival_digest(channel),
                        kind=MarkKind.ARRIVAL,
                        case=case,
                        channel=channel,
                        created_at=at,
                    )
                )
                marks += [
                    CaseMark(
                        digest=rng.randrange(-(2**63), 2**63),
                        kind=MarkKind.BAND,
                        case=case,
                        channel=channel,
                        created_at=at,
                    )
                    for _ in range(BANDS)
                ]
            CaseMark.objects.bulk_create(marks, batch_size=5000)


def _unrelated_texts(count: int, seed: int = 5) -> list[str]:
    # Words of the corpus reshuffled: same vocabulary, different messages.
    rng = random.Random(seed)
    words = [w for e in CORPUS["ru"] + CORPUS["en"] for w in e[0].split()]
    return [" ".join(rng.sample(words, 12)) for _ in range(count)]


def bench_note(calls: int) -> dict[str, Any]:
    """Time ``note_new_case`` for ordinary cases, then for copies in a flood."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from safepassage.cases.domain import open_case
    from safepassage.floods.domain import note_new_case
    from safepassage.floods.models import CaseMark, FloodGroup, FloodMembership

    results: dict[str, Any] = {"band_rows": CaseMark.objects.filter(kind=2).count()}
    scenarios = {
        "ordinary case": _unrelated_texts(calls),
        "copy during a flood": [f"{CORPUS['ru'][0][0]} {n}" for n in range(calls)],
    }
    for label, texts in scenarios.items():
        samples, queries = [], []
        for text in texts:
            case = open_case(channel="telegram", language="ru")
            with transaction.atomic(), CaptureQueriesContext(connection) as captured:
                start = time.perf_counter()
                note_new_case(case=case, text=text, channel="telegram", received_at=timezone.now())
                samples.append(time.perf_counter() - start)
            queries.append(len(captured))
        results[label] = {
            **_percentiles(samples[10:]),  # the first few warm caches and plans
            "queries_p50": statistics.median(queries),
            "queries_max": max(queries),
        }
    results["groups"] = FloodGroup.objects.count()
    results["members"] = FloodMembership.objects.count()
    return results


def _setup(database_url: str | None, directory: Path) -> None:
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{directory / 'floods.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safepassage.settings")
    # Bursts are off: the calls below arrive faster than any real programme's traffic.
    os.environ["SAFEPASSAGE_FLOOD_BURST"] = "0"
    import django

    django.setup()
    from django.core.management import call_command

    if database_url:
        import psycopg

        with psycopg.connect(database_url, autocommit=True) as conn:
            conn.execute("DROP SCHEMA public CASCADE")
            conn.execute("CREATE SCHEMA public")
    call_command("migrate", verbosity=0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=12_500)
    parser.add_argument("--calls", type=int, default=400)
    parser.add_argument("--database-url", help="a PostgreSQL URL (its schema is wiped)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        _setup(args.database_url, Path(tmp))
        from safepassage.crypto import runtime
        from safepassage.crypto.keys import new_keyring

        keyring = new_keyring()
        runtime.install_keyring(keyring)

        print(f"fingerprint (budget {BUDGET_MS} ms), 5,000 runs each:")
        for label, figures in bench_fingerprint(keyring).items():
            print(f"  {label:<18} p50 {figures['p50_ms']:.4f} ms   p99 {figures['p99_ms']:.4f} ms")

        scores = quality(keyring)
        print(
            f"\nnear-duplicates on the labelled set ({scores['messages']} messages, every pair): "
            f"precision {scores['precision']}, recall {scores['recall']} "
            f"(tp {scores['tp']}, fn {scores['fn']}, fp {scores['fp']}, tn {scores['tn']})"
        )

        start = time.perf_counter()
        fill(args.cases)
        database = "PostgreSQL" if args.database_url else "SQLite"
        print(
            f"\nnote_new_case on {database}: {args.cases:,} earlier cases filled in "
            f"{time.perf_counter() - start:.1f} s"
        )
        results = bench_note(args.calls)
        print(f"  {results['band_rows']:,} band rows stored before the calls")
        for label in ("ordinary case", "copy during a flood"):
            figures = results[label]
            print(
                f"  {label:<20} p50 {figures['p50_ms']:.3f} ms   p99 {figures['p99_ms']:.3f} ms   "
                f"queries {figures['queries_p50']:.0f} (max {figures['queries_max']})"
            )
        print(f"  flood groups: {results['groups']}, members: {results['members']:,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
