"""Benchmark the public intake as the platform runs it: with the worker draining a flood.

    ./dev bench intake [--database-url postgres://…] [--levels 8,16,32] [--seconds 8]
                       [--backlog 10000] [--workers 2] [--quick]

On a fresh database (SQLite WAL by default) with a fresh production-cost key file,
``safepassage serve --role intake`` (granian, the public key file only) and
``safepassage serve --role worker`` (the full key file) run as separate processes, the
way a deployment runs them.  A separate load-generator process (this file with
``--load``) drives them over loopback, one keep-alive connection per simulated
applicant, closed loop:

1. **Worker stopped.**  Submissions/s and p50/p99 at each level, then the same levels
   against ``bench/bare_view.py`` (a bare Django view that only seals the message and
   INSERTs it, under the same granian server and worker count): the ratio is what the
   intake's own stack costs.
2. **The flood.**  ``--backlog`` submissions through the intake (the worker still
   stopped), so the worker starts with that many envelopes queued.
3. **Draining.**  The worker starts.  At each level, submissions/s and p99 while it
   drains, and a genuine applicant who writes during the level and then tries to sign
   in with their receipt every half second: the time to a working receipt.
4. **kill -9.**  One more level, during which the worker and then the intake are killed
   with SIGKILL and started again.  Acknowledged submissions must all be stored: the
   stored count must cover every acknowledgement, and the last receipts acknowledged
   before each kill must sign in once the worker has handled them.
5. **Drain time.**  The clock runs until no submission is pending; the worker's
   envelopes/s over the drain and over its quiet tail (no intake load) are printed.

Targets (two cores, load generator on the same machine): while the worker drains,
at least 500 submissions/s with p99 under 250 ms and no error; at least 0.5 x the bare
view's rate with the worker stopped; a genuine applicant signs in within 10 s; no
acknowledged submission lost.  Exit status 1 if any of these fails.  ``--quick`` (a
backlog of 150, one level, two seconds) is what the test suite's smoke test runs.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SAFEPASSAGE = [sys.executable, "-m", "safepassage"]
RECEIPT = re.compile(rb'id="receipt"[^>]*>([0-9 ]+)<')
LANGS = ["ru", "ko", "uk", "en"]
MESSAGES = {
    "ru": "Здравствуйте. Я мобилизован в прошлом месяце, сейчас под Курском. Хочу сдаться, "
    "со мной ещё двое. Связь плохая, телефон проверяют. Подскажите, что делать.",
    "ko": "안녕하십니까. 저는 지난달에 이곳으로 보내졌습니다. 살고 싶습니다. "
    "투항하려면 어떻게 해야 합니까? 전화는 자주 검사를 받습니다.",
    "uk": "Добрий день. Пишу за брата, його мобілізували. Він хоче здатися в полон. "
    "Як йому бути і куди звертатися?",
    "en": "Hello. My son was sent to the front last week. He wants to surrender. "
    "How can he reach you safely?",
}
SIGNIN_LIMIT = 8.0  # SAFEPASSAGE_SIGNIN_RATE_GLOBAL's default, per second
TARGET_RATE = 500.0
TARGET_P99_MS = 250.0
TARGET_BARE_RATIO = 0.5
TARGET_RECEIPT_SECONDS = 10.0
PACE = 0.0  # set from --pace for the load processes this run starts


# --- load generator (runs in its own process) -------------------------------------------


async def _exchange(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes
) -> tuple[int, bytes]:
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    headers = head.lower()
    if b"transfer-encoding: chunked" in headers:
        body = b""
        while True:
            size = int((await reader.readuntil(b"\r\n")).strip(), 16)
            chunk = await reader.readexactly(size + 2)
            if size == 0:
                break
            body += chunk[:-2]
        return status, body
    match = re.search(rb"content-length: *(\d+)", headers)
    return status, await reader.readexactly(int(match.group(1))) if match else b""


def _post(port: int, path: str, fields: dict[str, str], *, close: bool = False) -> bytes:
    body = urllib.parse.urlencode(fields).encode()
    return (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(body)}\r\nSec-Fetch-Site: same-origin\r\n"
        f"Connection: {'close' if close else 'keep-alive'}\r\n\r\n"
    ).encode() + body


def _percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _receipt_of(body: bytes) -> str | None:
    match = RECEIPT.search(body)
    return match.group(1).decode().replace(" ", "") if match else None


async def _submit_load(
    port: int,
    concurrency: int,
    seconds: float,
    *,
    path_prefix: str = "",
    count: int = 0,
    pace: float = 0.0,
) -> dict[str, Any]:
    """Closed-loop submissions for ``seconds`` (after a 1 s warm-up), or until ``count``
    have been acknowledged; each applicant pauses ``pace`` seconds between submissions
    (``--quick`` only: a smoke run must not queue more than its worker drains in
    seconds).  A refused or broken connection (a killed server) is counted as unanswered
    and retried after a pause; it is never an acknowledgement."""
    warmup = 0.0 if count else 1.0
    start = time.perf_counter()
    measure_from, end = start + warmup, start + warmup + seconds
    latencies: list[float] = []
    outcome = {"acknowledged": 0, "errors": 0, "unanswered": 0}
    acknowledged: list[tuple[float, str]] = []

    def more() -> bool:
        return outcome["acknowledged"] < count if count else time.perf_counter() < end

    async def applicant(number: int) -> None:
        lang = LANGS[number % 4]
        fields = {"message": MESSAGES[lang], "inquiry_type": "surrender"}
        if number % 3 == 0:
            fields |= {"name": "Иван Петров", "unit": "в/ч 00000", "group_size": "3"}
        path = path_prefix or f"/{lang}/"
        while more():
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            except OSError:
                outcome["unanswered"] += 1
                await asyncio.sleep(0.2)
                continue
            try:
                while more():
                    sent = time.perf_counter()
                    status, body = await _exchange(reader, writer, _post(port, path, fields))
                    done = time.perf_counter()
                    receipt = _receipt_of(body)
                    if status == 200 and receipt:
                        outcome["acknowledged"] += 1
                        acknowledged.append((time.time(), receipt))
                        if sent >= measure_from:
                            latencies.append(done - sent)
                    else:
                        outcome["errors"] += 1
                    if pace:
                        await asyncio.sleep(pace)
            except (OSError, asyncio.IncompleteReadError, ValueError, IndexError):
                outcome["unanswered"] += 1
                await asyncio.sleep(0.2)
            finally:
                writer.close()

    await asyncio.gather(*(applicant(n) for n in range(concurrency)))
    measured = time.perf_counter() - measure_from
    return {
        "concurrency": concurrency,
        "per_second": len(latencies) / max(measured, 1e-9),
        "p50_ms": _percentile(latencies, 0.50) * 1000,
        "p99_ms": _percentile(latencies, 0.99) * 1000,
        "acknowledged_receipts": acknowledged,
        **outcome,
    }


async def _sign_in(port: int, receipt: str) -> int:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        status, _ = await _exchange(
            reader, writer, _post(port, "/en/inbox", {"receipt": receipt}, close=True)
        )
    finally:
        writer.close()
    return status


async def _genuine(port: int, delay: float, timeout: float) -> dict[str, Any]:
    """A genuine applicant: writes after ``delay`` seconds, then tries their receipt
    every half second until it signs in (303) or ``timeout`` passes."""
    await asyncio.sleep(delay)
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        fields = {"message": "Я хочу сдаться. Нас двое, мы у Суджи.", "inquiry_type": "surrender"}
        _, body = await _exchange(reader, writer, _post(port, "/ru/", fields, close=True))
    finally:
        writer.close()
    receipt = _receipt_of(body)
    if receipt is None:
        return {"seconds": None, "tries": 0}
    written = time.perf_counter()
    tries = 0
    while time.perf_counter() - written < timeout:
        tries += 1
        if await _sign_in(port, receipt) == 303:
            return {"seconds": time.perf_counter() - written, "tries": tries}
        await asyncio.sleep(0.5)
    return {"seconds": None, "tries": tries}


async def _level_with_genuine(
    port: int, concurrency: int, seconds: float, timeout: float, pace: float
) -> dict[str, Any]:
    submitted, genuine = await asyncio.gather(
        _submit_load(port, concurrency, seconds, pace=pace),
        _genuine(port, delay=1.0 + seconds / 4, timeout=timeout),
    )
    return submitted | {"genuine": genuine}


async def _sign_in_all(port: int, receipts: list[str]) -> dict[str, int]:
    """Sign in with each receipt in turn (below the global sign-in limit)."""
    found = 0
    for receipt in receipts:
        found += await _sign_in(port, receipt) == 303
        await asyncio.sleep(1.5 / SIGNIN_LIMIT)
    return {"found": found, "tried": len(receipts)}


def load_main(args: argparse.Namespace) -> None:
    """The load-generator process: run one step and print its figures as JSON."""
    pace = args.pace or 0.0
    if args.load == "submit":
        result = asyncio.run(_submit_load(args.port, args.concurrency, args.seconds, pace=pace))
    elif args.load == "bare":
        result = asyncio.run(
            _submit_load(args.port, args.concurrency, args.seconds, path_prefix="/", pace=pace)
        )
    elif args.load == "flood":
        result = asyncio.run(_submit_load(args.port, args.concurrency, 0, count=args.count))
    elif args.load == "drain":
        result = asyncio.run(
            _level_with_genuine(args.port, args.concurrency, args.seconds, args.timeout, pace)
        )
    else:
        receipts = json.loads(Path(args.receipts).read_text())
        result = asyncio.run(_sign_in_all(args.port, receipts))
    print(json.dumps(result))


# --- orchestration -----------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _run(command: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command[2:])} failed:\n{done.stderr}")
    return done.stdout


def _wait_until_serving(port: int, server: subprocess.Popen[bytes], path: str = "/en/") -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("a server exited while starting")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
                if sock.recv(12).startswith(b"HTTP/1.1 200"):
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit("a server did not start within 60 s")


def _load(mode: str, port: int, **options: object) -> dict[str, Any]:
    command = [sys.executable, __file__, "--load", mode, "--port", str(port)]
    command += ["--pace", str(PACE)]
    for name, value in options.items():
        command += [f"--{name}", str(value)]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return dict(json.loads(output.strip().splitlines()[-1]))


class _Database:
    """Counts read straight from the database the tiers share (no Django here)."""

    def __init__(self, url: str) -> None:
        self.url = url

    def scalar(self, sql: str) -> int:
        if self.url.startswith("sqlite:///"):
            with contextlib.closing(sqlite3.connect(self.url.removeprefix("sqlite:///"))) as db:
                return int(db.execute(sql).fetchone()[0])
        import psycopg

        with psycopg.connect(self.url.replace("postgres://", "postgresql://", 1)) as db:
            row = db.execute(sql).fetchone()
            assert row is not None
            return int(row[0])

    def submissions(self, status: str | None = None) -> int:
        where = "kind = 'web_submission'" + (f" AND status = '{status}'" if status else "")
        return self.scalar(f"SELECT count(*) FROM intake_inboundenvelope WHERE {where}")  # noqa: S608

    def stored(self) -> int:
        """Every web submission the database holds: as an envelope, or as the message it
        became once housekeeping (which runs at each worker start) deleted the envelope."""
        messages = self.scalar(
            "SELECT count(*) FROM cases_message WHERE direction = 'in' AND channel = 'web' "
            "AND envelope_id IS NULL"
        )
        return self.submissions() + messages


class _Tiers:
    """The intake and the worker as separate processes, each in its own process group
    so that ``kill`` reaches granian's workers too."""

    def __init__(
        self, port: int, intake_env: dict[str, str], worker_env: dict[str, str], workers: int
    ) -> None:
        self.port, self.workers = port, workers
        self.intake_env, self.worker_env = intake_env, worker_env
        self.intake: subprocess.Popen[bytes] | None = None
        self.worker: subprocess.Popen[bytes] | None = None

    def start_intake(self) -> None:
        command = ["serve", "--role", "intake", "--port", str(self.port)]
        self.intake = subprocess.Popen(
            [*SAFEPASSAGE, *command, "--workers", str(self.workers)],
            env=self.intake_env,
            stdout=subprocess.DEVNULL,
            start_new_session=True,
        )
        _wait_until_serving(self.port, self.intake)

    def start_worker(self) -> None:
        self.worker = subprocess.Popen(
            [*SAFEPASSAGE, "serve", "--role", "worker"],
            env=self.worker_env,
            stdout=subprocess.DEVNULL,
            start_new_session=True,
        )

    @staticmethod
    def kill(process: subprocess.Popen[bytes] | None, sig: int = signal.SIGKILL) -> None:
        if process is None or process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        process.wait(30)

    def restart_worker(self) -> None:
        """SIGKILL the worker, then start it again."""
        self.kill(self.worker)
        self.start_worker()

    def restart_intake(self) -> None:
        """SIGKILL the intake (granian and its workers), then start it again."""
        self.kill(self.intake)
        self.start_intake()

    def stop(self) -> None:
        self.kill(self.worker, signal.SIGTERM)
        self.kill(self.intake, signal.SIGTERM)


def _row(label: object, result: dict[str, Any]) -> str:
    return (
        f"{label!s:>11} {result['per_second']:>8.0f} {result['p50_ms']:>8.1f} "
        f"{result['p99_ms']:>8.1f} {result['errors']:>7}"
    )


HEADER = f"{'concurrency':>11} {'per s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}"


def main() -> int:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", help="PostgreSQL URL (default: a fresh SQLite file)")
    parser.add_argument("--levels", default="8,16,32", help="submission concurrencies")
    parser.add_argument("--seconds", type=float, default=8.0, help="measured seconds per level")
    parser.add_argument("--backlog", type=int, default=10_000, help="the flood's envelopes")
    parser.add_argument("--workers", type=int, default=2, help="granian worker processes")
    parser.add_argument(
        "--worker-nice", type=int, default=10, help="the worker's nice increment (0: none)"
    )
    parser.add_argument("--drain-timeout", type=float, default=3600.0)
    parser.add_argument("--quick", action="store_true", help="smoke run: small and short")
    parser.add_argument("--load", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--concurrency", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--timeout", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--receipts", help=argparse.SUPPRESS)
    parser.add_argument("--pace", type=float, default=0.0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.load:
        load_main(args)
        return 0
    if args.quick:
        # Checks the machinery (both tiers, the drain, the kills, no loss), not the rates.
        args.levels, args.seconds, args.backlog, args.pace = "4", 2.0, 100, 0.2
    global PACE
    PACE = args.pace
    with tempfile.TemporaryDirectory(prefix="sp-bench-") as tmp:
        return _bench(Path(tmp), args)


def _environments(tmp: Path, database_url: str) -> tuple[dict[str, str], dict[str, str]]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("SAFEPASSAGE_")}
    env |= {
        "DATABASE_URL": database_url,
        "SAFEPASSAGE_VAR_DIR": str(tmp),
        "SAFEPASSAGE_SECRET_KEY": secrets.token_urlsafe(48),
        "SAFEPASSAGE_INSECURE_HTTP": "1",
        "SAFEPASSAGE_LOG_LEVEL": "WARNING",
    }
    worker_env = env | {
        "SAFEPASSAGE_KEY_FILE": str(tmp / "keys.json"),
        "SAFEPASSAGE_KEY_PASSPHRASE": secrets.token_urlsafe(24),
    }
    _run([*SAFEPASSAGE, "keys", "init", "--public-out", str(tmp / "public.json")], worker_env)
    if not database_url.startswith("sqlite"):
        _run([*SAFEPASSAGE, "manage", "flush", "--no-input", "--verbosity", "0"], env)
    _run([*SAFEPASSAGE, "manage", "migrate", "--verbosity", "0"], env)
    intake_env = env | {
        "SAFEPASSAGE_PUBLIC_KEY_FILE": str(tmp / "public.json"),
        # Every simulated applicant comes from 127.0.0.1: no per-client limits; the global
        # submission limit out of the way, the global sign-in limit at its default.
        "SAFEPASSAGE_SUBMIT_RATE_CLIENT": "0",
        "SAFEPASSAGE_SIGNIN_RATE_CLIENT": "0",
        "SAFEPASSAGE_SUBMIT_RATE_GLOBAL": "0",
        "SAFEPASSAGE_SIGNIN_RATE_GLOBAL": f"{SIGNIN_LIMIT:g}/1",
    }
    return intake_env, worker_env


def _bare_rates(
    env: dict[str, str], levels: list[int], seconds: float, workers: int
) -> list[dict[str, Any]]:
    bare = [sys.executable, str(ROOT / "bench" / "bare_view.py")]
    _run([*bare, "--init"], env)
    port = _free_port()
    server = subprocess.Popen(
        [*bare, "--serve", str(port), "--workers", str(workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        _wait_until_serving(port, server, path="/")
        return [_load("bare", port, concurrency=level, seconds=seconds) for level in levels]
    finally:
        _Tiers.kill(server, signal.SIGTERM)


def _bench(tmp: Path, args: argparse.Namespace) -> int:
    from safepassage.crypto.keyfile import load_public_keyfile

    database_url = args.database_url or f"sqlite:///{tmp / 'bench.sqlite3'}"
    intake_env, worker_env = _environments(tmp, database_url)
    worker_env["SAFEPASSAGE_WORKER_NICE"] = str(args.worker_nice)
    db = _Database(database_url)
    levels = [int(n) for n in args.levels.split(",")]
    params = load_public_keyfile(tmp / "public.json").receipt_params
    kind = "SQLite (WAL)" if database_url.startswith("sqlite") else "PostgreSQL"
    print(
        f"intake bench: {args.workers} granian workers + 1 worker process "
        f"(nice +{args.worker_nice}), {kind}, "
        f"{os.cpu_count()} CPUs; receipt Argon2id t={params.opslimit}, "
        f"{params.memlimit // 2**20} MiB; backlog {args.backlog}; "
        f"load average before: {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    port = _free_port()
    tiers = _Tiers(port, intake_env, worker_env, args.workers)
    failures: list[str] = []
    acknowledged = 0
    unanswered = 0
    try:
        tiers.start_intake()
        # 1. Worker stopped: the intake and the bare view, level by level.
        print("\n1. worker stopped: the intake, then the bare seal-and-insert view")
        print(HEADER + f" {'bare/s':>8} {'bare p99':>8} {'ratio':>6}")
        stopped = [_load("submit", port, concurrency=n, seconds=args.seconds) for n in levels]
        bare = _bare_rates(intake_env, levels, args.seconds, args.workers)
        for level, ours, floor in zip(levels, stopped, bare, strict=True):
            ratio = ours["per_second"] / max(floor["per_second"], 1e-9)
            acknowledged += ours["acknowledged"]
            print(
                f"{_row(level, ours)} {floor['per_second']:>8.0f} {floor['p99_ms']:>8.1f} "
                f"{ratio:>6.2f}",
                flush=True,
            )
            if ratio < TARGET_BARE_RATIO and not args.quick:
                failures.append(f"{level} connections: {ratio:.2f} x the bare view")
            if ours["errors"]:
                failures.append(f"{level} connections, worker stopped: {ours['errors']} errors")

        # 2. The flood: a backlog queued while the worker is stopped.
        started = time.perf_counter()
        flood = _load("flood", port, concurrency=32, count=args.backlog)
        acknowledged += flood["acknowledged"]
        backlog = db.submissions("pending")
        print(
            f"\n2. flood: {flood['acknowledged']} submissions in "
            f"{time.perf_counter() - started:.1f} s; {backlog} envelopes pending",
            flush=True,
        )

        # 3. Draining: the worker starts; each level with a genuine applicant.
        drain_started = time.perf_counter()
        processed_before = db.submissions("processed")
        tiers.start_worker()
        print("\n3. worker draining the backlog: submissions, and a genuine applicant's receipt")
        print(HEADER + f" {'receipt s':>10} {'tries':>6} {'pending':>8}")
        for level in levels:
            result = _load(
                "drain", port, concurrency=level, seconds=args.seconds, timeout=30 + args.seconds
            )
            acknowledged += result["acknowledged"]
            genuine = result["genuine"]
            seconds = genuine["seconds"]
            shown = f"{seconds:>10.1f}" if seconds is not None else f"{'never':>10}"
            pending = db.submissions("pending")
            print(f"{_row(level, result)} {shown} {genuine['tries']:>6} {pending:>8}", flush=True)
            slow = result["per_second"] < TARGET_RATE or result["p99_ms"] >= TARGET_P99_MS
            if slow and not args.quick:
                failures.append(
                    f"{level} connections while draining: {result['per_second']:.0f}/s, "
                    f"p99 {result['p99_ms']:.0f} ms"
                )
            if result["errors"] or result["unanswered"]:
                failures.append(f"{level} connections while draining: errors")
            if seconds is None or seconds > TARGET_RECEIPT_SECONDS:
                failures.append(f"{level} connections: genuine receipt after {seconds} s")

        # 4. kill -9 of each tier during a level.
        at_risk, kill_unanswered, kill_acknowledged = _kill_phase(tiers, port, args, levels[-1])
        acknowledged += kill_acknowledged
        unanswered += kill_unanswered

        # 5. The drain's end.
        tail_started, tail_processed = time.perf_counter(), db.submissions("processed")
        deadline = drain_started + args.drain_timeout
        while db.submissions("pending") and time.perf_counter() < deadline:
            time.sleep(0.5)
        drained = time.perf_counter()
        still = db.submissions("pending")
        processed = db.submissions("processed")
        drain_rate = (processed - processed_before) / (drained - drain_started)
        tail_rate = (processed - tail_processed) / max(drained - tail_started, 1e-9)
        print(
            f"\n5. drain: {processed - processed_before} envelopes in "
            f"{drained - drain_started:.0f} s ({drain_rate:.1f}/s overall, "
            f"{tail_rate:.1f}/s with no intake load); {still} still pending",
            flush=True,
        )
        if still:
            failures.append(f"{still} envelopes still pending after {args.drain_timeout:.0f} s")

        receipts_file = tmp / "receipts.json"
        receipts_file.write_text(json.dumps(at_risk))
        signed = _load("signin", port, receipts=receipts_file)
        print(
            f"   receipts acknowledged just before each kill: {signed['found']} of "
            f"{signed['tried']} sign in",
            flush=True,
        )
        if signed["found"] != signed["tried"]:
            failures.append("a receipt acknowledged before a kill does not sign in")
    finally:
        tiers.stop()

    stored = db.stored()
    lost = max(0, acknowledged - stored)
    print(
        f"\nacknowledged {acknowledged}, stored {stored} submissions ({unanswered} requests "
        f"unanswered while a tier was down): {lost} lost"
    )
    if lost:
        failures.append(f"{lost} acknowledged submissions lost")
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    for failure in failures:
        print(f"MISSED: {failure}")
    return 1 if failures else 0


def _kill_phase(
    tiers: _Tiers, port: int, args: argparse.Namespace, level: int
) -> tuple[list[str], int, int]:
    """One level during which the worker, then the intake, are killed with SIGKILL and
    restarted.  Returns the receipts acknowledged in the second before each kill, the
    requests left unanswered and the acknowledgements."""
    seconds = max(3 * args.seconds, 6.0)
    command = [sys.executable, __file__, "--load", "submit", "--port", str(port)]
    command += ["--concurrency", str(level), "--seconds", str(seconds), "--pace", str(PACE)]
    load = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    kills: list[float] = []

    def at(share: float, action: Callable[[], None]) -> None:
        time.sleep(max(0.0, started + 1 + seconds * share - time.perf_counter()))
        kills.append(time.time())
        action()

    started = time.perf_counter()
    at(1 / 3, tiers.restart_worker)
    at(2 / 3, tiers.restart_intake)
    output, _ = load.communicate(timeout=seconds + 120)
    result = json.loads(output.strip().splitlines()[-1])
    receipts = result["acknowledged_receipts"]
    at_risk = [
        receipt
        for moment in kills
        for receipt in [r for t, r in receipts if moment - 1 <= t <= moment][-5:]
    ]
    print(
        f"\n4. kill -9 of the worker, then of the intake, at {level} connections: "
        f"{result['acknowledged']} acknowledged, {result['unanswered']} unanswered, "
        f"{result['errors']} errors",
        flush=True,
    )
    return at_risk, int(result["unanswered"]), int(result["acknowledged"])


if __name__ == "__main__":
    sys.exit(main())
