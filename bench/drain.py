"""Benchmark the worker draining a flood's backlog while the intake keeps writing.

    .venv/bin/python bench/drain.py [--envelopes 300] [--database-url postgres://…]

On a fresh database (SQLite WAL by default) with a production-cost keyring (Argon2id
64 MiB, t=3), queue ``--envelopes`` web submissions (the flood), then run the worker's
loop (``process_pending``) until they are handled, while a writer thread inserts one
envelope every 20 ms on its own connection, as the intake does.  Part-way through, a
genuine applicant writes; the clock runs until their receipt signs in (its lookup
hash finds their contact); they try to sign in after every worker round, and each
failed try leaves the intake's "waiting" envelope (``--no-ask``: they do not).
Reports: the receipt derivation's cost, worker envelopes/s, drain time, the writer's
INSERT p50/p99/max (how long the public site
would wait for the database during the drain) and the genuine applicant's time to a
working receipt.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
MESSAGES = [
    "Здравствуйте, я хочу сдаться, нас трое, мы стоим под Курском",
    "안녕하세요 저는 쿠르스크에 있는 북한 군인입니다 항복하고 싶습니다 도와주세요",
    "Доброго дня, мій брат потрапив у полон під Курськом, що робити?",
    "Hello, my son was sent to the front last week and wants to surrender.",
]


def _setup(database_url: str | None, directory: Path) -> None:
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{directory / 'drain.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safepassage.settings")
    os.environ["SAFEPASSAGE_VAR_DIR"] = str(directory)
    os.environ["SAFEPASSAGE_LOG_LEVEL"] = "ERROR"
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if database_url:
        call_command("flush", interactive=False, verbosity=0)


def _envelope(keyring: Any, receipt: str, message: str, kind: str = "web_submission") -> Any:
    from django.utils import timezone

    from safepassage.crypto.sealing import seal_envelope_body
    from safepassage.envelopes.models import InboundEnvelope

    body = {"v": 1, "receipt": receipt, "language": "ru", "message": message}
    return InboundEnvelope(
        kind=kind,
        channel="web",
        received_at=timezone.now(),
        body=seal_envelope_body(body, to=keyring.public),
    )


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


def main() -> int:
    """Run the drain benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--envelopes", type=int, default=300)
    parser.add_argument("--database-url", default=None)
    parser.add_argument(
        "--no-ask", action="store_true", help="the applicant never signs in before it works"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        _setup(args.database_url, Path(tmp))
        from django.db import connection

        from safepassage.cases.models import Contact
        from safepassage.crypto import runtime
        from safepassage.crypto.keys import new_keyring
        from safepassage.crypto.receipts import derive_receipt_keys, new_receipt
        from safepassage.envelopes.models import EnvelopeStatus, InboundEnvelope
        from safepassage.worker.envelopes import process_pending

        keyring = new_keyring()
        runtime.install_keyring(keyring)
        params = keyring.public.receipt_params
        started = time.perf_counter()
        for _ in range(5):
            derive_receipt_keys(new_receipt(), keyring.public)
        derive_ms = (time.perf_counter() - started) / 5 * 1000

        InboundEnvelope.objects.bulk_create(
            [
                _envelope(keyring, new_receipt(), f"{MESSAGES[n % 4]} #{n}")
                for n in range(args.envelopes)
            ],
            batch_size=500,
        )
        backlog_last = InboundEnvelope.objects.order_by("-id").values_list("id", flat=True)[0]
        inserts: list[float] = []
        genuine: dict[str, float] = {}
        stop = threading.Event()

        def write() -> None:
            """The intake: one INSERT every 20 ms; the genuine applicant after 2 s."""
            begun = time.monotonic()
            try:
                while not stop.is_set():
                    if "receipt_at" not in genuine and time.monotonic() - begun > 2:
                        receipt = new_receipt()
                        genuine["receipt_at"] = time.monotonic()
                        _envelope(keyring, receipt, "Я хочу сдаться, я один").save()
                        genuine["lookup"] = 0.0
                        genuine_receipt.append(receipt)
                    t0 = time.perf_counter()
                    _envelope(keyring, new_receipt(), "проверка связи").save()
                    inserts.append(time.perf_counter() - t0)
                    stop.wait(0.02)
            finally:
                connection.close()

        genuine_receipt: list[str] = []
        writer = threading.Thread(target=write)
        began = time.monotonic()
        writer.start()
        handled = 0
        signed_in_after = None
        while True:
            handled += process_pending()
            if genuine_receipt and signed_in_after is None:
                keys = derive_receipt_keys(genuine_receipt[0], keyring.public)
                if Contact.objects.filter(receipt_lookup_hash=keys.lookup_hash).exists():
                    signed_in_after = time.monotonic() - genuine["receipt_at"]
                elif not args.no_ask:
                    # The applicant tries to sign in; finding nothing, the intake asks
                    # the worker to serve this receipt first (intake/views/inbox.py).
                    _envelope(keyring, genuine_receipt[0], "", kind="web_signin_waiting").save()
            left = InboundEnvelope.objects.filter(
                status=EnvelopeStatus.PENDING, id__lte=backlog_last
            ).count()
            if left == 0 and signed_in_after is not None:
                break
        drained = time.monotonic() - began
        stop.set()
        writer.join()
        print(f"database: {connection.vendor}; backlog: {args.envelopes} web submissions")
        print(
            f"receipt derivation: Argon2id {params.memlimit // 2**20} MiB, t={params.opslimit}:"
            f" {derive_ms:.0f} ms each"
        )
        print(f"worker: {handled} envelopes in {drained:.1f} s = {handled / drained:.1f}/s")
        print(
            f"intake INSERT during the drain ({len(inserts)}): p50 "
            f"{statistics.median(inserts) * 1000:.1f} ms, p99 {_pct(inserts, 0.99) * 1000:.1f}"
            f" ms, max {max(inserts) * 1000:.1f} ms"
        )
        print(f"genuine applicant's receipt signs in after {signed_in_after:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
