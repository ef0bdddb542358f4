"""Benchmark the public intake: form submissions and receipt sign-ins over loopback.

    ./dev bench intake [--levels 8,16,32,64] [--seconds 8] [--workers 2]

Starts ``safepassage serve --role intake`` (granian, production settings) on a fresh
SQLite database with a fresh key file, holding the public key file only.  A separate
load-generator process (this file with ``--load``) then:

1. posts the form at rising concurrency (closed loop, one keep-alive connection per
   simulated applicant) and reports sustained submissions/s with p50 and p99;
2. signs in with receipts (half right, half never issued) at the configured global
   sign-in limit and at twice it (open loop, a new connection per sign-in), with the
   production Argon2id cost read from the public key file, and reports sign-ins/s
   and p99.

Every acknowledged submission must be in the database afterwards: the envelope count
is compared with the receipts the load generator saw.  Targets (two cores): at least
500 submissions/s sustained with p99 under 250 ms, no error, no lost submission;
sign-in p99 under 1 s at the throttle's limit.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import secrets
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
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


async def _submit_load(port: int, concurrency: int, seconds: float) -> dict[str, Any]:
    warmup = 1.0
    start = time.perf_counter()
    measure_from, end = start + warmup, start + warmup + seconds
    latencies: list[float] = []
    outcome = {"acknowledged": 0, "errors": 0}

    async def applicant(number: int) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while time.perf_counter() < end:
                lang = LANGS[number % 4]
                fields = {"message": MESSAGES[lang], "inquiry_type": "surrender"}
                if number % 3 == 0:
                    fields |= {"name": "Иван Петров", "unit": "в/ч 00000", "group_size": "3"}
                sent = time.perf_counter()
                status, body = await _exchange(reader, writer, _post(port, f"/{lang}/", fields))
                done = time.perf_counter()
                if status == 200 and RECEIPT.search(body):
                    outcome["acknowledged"] += 1
                    if sent >= measure_from:
                        latencies.append(done - sent)
                else:
                    outcome["errors"] += 1
        finally:
            writer.close()

    await asyncio.gather(*(applicant(n) for n in range(concurrency)))
    return {
        "concurrency": concurrency,
        "per_second": len(latencies) / seconds,
        "p50_ms": _percentile(latencies, 0.50) * 1000,
        "p99_ms": _percentile(latencies, 0.99) * 1000,
        **outcome,
    }


async def _signin_load(
    port: int, rate: float, seconds: float, receipts: list[str]
) -> dict[str, Any]:
    from safepassage.crypto.receipts import new_receipt

    accepted: list[float] = []
    refused: list[float] = []
    outcome = {"found": 0, "not_found": 0, "throttled": 0, "errors": 0}

    async def sign_in(receipt: str) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            sent = time.perf_counter()
            request = _post(port, "/en/inbox", {"receipt": receipt}, close=True)
            status, _ = await _exchange(reader, writer, request)
            elapsed = time.perf_counter() - sent
        finally:
            writer.close()
        key = {303: "found", 400: "not_found", 429: "throttled"}.get(status, "errors")
        outcome[key] += 1
        (refused if status == 429 else accepted).append(elapsed)

    tasks = []
    start = time.perf_counter()
    for n in range(int(rate * seconds)):
        await asyncio.sleep(max(0.0, start + n / rate - time.perf_counter()))
        receipt = receipts[n % len(receipts)] if n % 2 == 0 else new_receipt()
        tasks.append(asyncio.create_task(sign_in(receipt)))
    await asyncio.gather(*tasks)
    return {
        "offered_per_second": rate,
        "per_second": len(accepted) / seconds,
        "p50_ms": _percentile(accepted, 0.50) * 1000,
        "p99_ms": _percentile(accepted, 0.99) * 1000,
        "throttled_p99_ms": _percentile(refused, 0.99) * 1000,
        **outcome,
    }


def load_main(args: argparse.Namespace) -> None:
    """The load-generator process: run one level and print its figures as JSON."""
    if args.load == "submit":
        result = asyncio.run(_submit_load(args.port, args.concurrency, args.seconds))
    else:
        receipts = json.loads(Path(args.receipts).read_text())
        result = asyncio.run(_signin_load(args.port, args.rate, args.seconds, receipts))
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


def _wait_until_serving(port: int, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("the intake server exited while starting")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                sock.sendall(b"GET /en/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                if sock.recv(12).startswith(b"HTTP/1.1 200"):
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit("the intake server did not start within 60 s")


def _seed_receipts(port: int, count: int) -> list[str]:
    async def one() -> str:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            request = _post(port, "/en/", {"message": "seed for sign-in"}, close=True)
            _, body = await _exchange(reader, writer, request)
        finally:
            writer.close()
        match = RECEIPT.search(body)
        assert match is not None
        return match.group(1).decode().replace(" ", "")

    async def many() -> list[str]:
        return list(await asyncio.gather(*(one() for _ in range(count))))

    return asyncio.run(many())


def _load(mode: str, port: int, seconds: float, **options: object) -> dict[str, Any]:
    command = [sys.executable, __file__, "--load", mode, "--port", str(port)]
    command += ["--seconds", str(seconds)]
    for name, value in options.items():
        command += [f"--{name}", str(value)]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return dict(json.loads(output.strip().splitlines()[-1]))


def main() -> int:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--levels", default="8,16,32,64", help="submission concurrencies")
    parser.add_argument("--seconds", type=float, default=8.0, help="measured seconds per level")
    parser.add_argument("--workers", type=int, default=2, help="granian worker processes")
    parser.add_argument("--load", choices=["submit", "signin"], help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--concurrency", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--rate", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--receipts", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.load:
        load_main(args)
        return 0

    with tempfile.TemporaryDirectory(prefix="sp-bench-") as tmp:
        return _bench(Path(tmp), args)


def _bench(tmp: Path, args: argparse.Namespace) -> int:
    from safepassage.crypto.keyfile import load_public_keyfile

    port = _free_port()
    database = tmp / "bench.sqlite3"
    env = {key: value for key, value in os.environ.items() if not key.startswith("SAFEPASSAGE_")}
    env |= {
        "DATABASE_URL": f"sqlite:///{database}",
        "SAFEPASSAGE_VAR_DIR": str(tmp),
        "SAFEPASSAGE_SECRET_KEY": secrets.token_urlsafe(48),
        "SAFEPASSAGE_INSECURE_HTTP": "1",
        "SAFEPASSAGE_KEY_PASSPHRASE": secrets.token_urlsafe(24),
        "SAFEPASSAGE_LOG_LEVEL": "WARNING",
    }
    console_env = env | {"SAFEPASSAGE_KEY_FILE": str(tmp / "keys.json")}
    _run([*SAFEPASSAGE, "keys", "init", "--public-out", str(tmp / "public.json")], console_env)
    _run([*SAFEPASSAGE, "manage", "migrate", "--verbosity", "0"], env)
    params = load_public_keyfile(tmp / "public.json").receipt_params
    print(
        f"intake bench: {args.workers} granian workers, SQLite (WAL), {os.cpu_count()} CPUs; "
        f"receipt Argon2id t={params.opslimit}, {params.memlimit // 2**20} MiB; "
        f"load average before: {os.getloadavg()[0]:.1f}"
    )

    intake_env = env | {
        "SAFEPASSAGE_PUBLIC_KEY_FILE": str(tmp / "public.json"),
        # Every simulated applicant comes from 127.0.0.1: no per-client limits; the global
        # submission limit out of the way, the global sign-in limit at its default.
        "SAFEPASSAGE_SUBMIT_RATE_CLIENT": "0",
        "SAFEPASSAGE_SIGNIN_RATE_CLIENT": "0",
        "SAFEPASSAGE_SUBMIT_RATE_GLOBAL": "0",
        "SAFEPASSAGE_SIGNIN_RATE_GLOBAL": f"{SIGNIN_LIMIT:g}/1",
    }
    serve = ["serve", "--role", "intake", "--port", str(port), "--workers", str(args.workers)]
    server = subprocess.Popen(
        [*SAFEPASSAGE, *serve],
        env=intake_env,
        stdout=subprocess.DEVNULL,
    )
    try:
        _wait_until_serving(port, server)
        receipts = _seed_receipts(port, 16)
        # The worker step for the seeded envelopes (production Argon2id, full keys).
        _run(
            [
                *SAFEPASSAGE,
                "manage",
                "shell",
                "-c",
                "from safepassage.worker.envelopes import process_pending; process_pending()",
            ],
            console_env | {"SAFEPASSAGE_ROLE": "worker"},
        )
        acknowledged = len(receipts)
        errors = 0
        print("\nsubmissions (closed loop, keep-alive)")
        print(f"{'concurrency':>11} {'per s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
        for level in [int(n) for n in args.levels.split(",")]:
            result = _load("submit", port, args.seconds, concurrency=level)
            acknowledged += result["acknowledged"]
            errors += result["errors"]
            print(
                f"{level:>11} {result['per_second']:>8.0f} {result['p50_ms']:>8.1f} "
                f"{result['p99_ms']:>8.1f} {result['errors']:>7}",
                flush=True,
            )

        receipts_file = tmp / "receipts.json"
        receipts_file.write_text(json.dumps(receipts))
        print("\nreceipt sign-ins (open loop, half right, half never issued)")
        print(
            f"{'offered/s':>11} {'done/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'429':>5} {'429 p99':>8}"
        )
        for rate in [SIGNIN_LIMIT, SIGNIN_LIMIT * 2]:
            result = _load("signin", port, args.seconds, rate=rate, receipts=receipts_file)
            errors += result["errors"]
            print(
                f"{rate:>11.0f} {result['per_second']:>8.1f} {result['p50_ms']:>8.0f} "
                f"{result['p99_ms']:>8.0f} {result['throttled']:>5} "
                f"{result['throttled_p99_ms']:>8.0f}",
                flush=True,
            )
            if result["found"] == 0:
                raise SystemExit("no right receipt signed in: the bench is broken")
    finally:
        server.terminate()
        server.wait(20)

    with sqlite3.connect(database) as db:
        (stored,) = db.execute("SELECT count(*) FROM intake_inboundenvelope").fetchone()
    lost = acknowledged - stored
    print(f"\nacknowledged {acknowledged}, stored {stored} envelopes: {lost} lost; {errors} errors")
    # The machine may be shared: figures mean little if something else was busy.
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    return 1 if lost or errors else 0


if __name__ == "__main__":
    sys.exit(main())
