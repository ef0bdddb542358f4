"""Benchmark the messenger channels: webhook ingest and worker processing.

    ./dev bench channels [--seconds 8] [--concurrency 16] [--workers 2] [--envelopes 3000]
                         [--chats 500] [--database-url postgres://…] [--profile]

1. **Ingest.**  Starts ``safepassage serve --role intake`` (granian, production settings,
   public key only) on a fresh SQLite database and posts real-format Telegram updates
   (text in four languages, ``/start CODE``, photos) with a valid secret token over
   keep-alive loopback connections for ``--seconds``.  Reports accepted updates/s and
   p50/p99 latency, and checks that every acknowledged update is a stored envelope.
2. **Worker.**  In this process (holding the secret key, as the worker does) opens the
   stored envelopes in order — dedupe, find or create the contact by blind index, open
   or attach the case, detect the language, store the sealed message, queue the bot's
   acknowledgement — and reports envelopes/s on one core (the envelope loop is one
   thread).

Targets (two cores shared by server and load generator): ingest >= 1,000 updates/s,
worker >= 500 envelopes/s per core.  The machine may be shared, so rates are also given
per CPU-second of the server (ingest) and of this process (worker).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SAFEPASSAGE = [sys.executable, "-m", "safepassage"]
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name
TEXTS = {
    "ru": [
        "Здравствуйте, я хочу сдаться в плен. Что мне делать?",
        "Нас трое, мы под Курском, связь плохая",
        "Пишу за брата, его мобилизовали месяц назад",
    ],
    "ko": [
        "항복하고 싶습니다. 어떻게 해야 합니까?",
        "우리 부대는 쿠르스크에 있습니다",
        "살고 싶어요",
    ],
    "uk": ["Доброго дня, мій брат у полоні, як дізнатися де він?", "Дякую, чекатиму на відповідь"],
    "en": ["Hello, I want to surrender. How do I reach you safely?", "Thank you, I will wait"],
}


# --- payloads -----------------------------------------------------------------------------


def _update(update_id: int, chat_id: int, message_id: int, rng: random.Random) -> dict[str, Any]:
    language = rng.choice(list(TEXTS))
    message: dict[str, Any] = {
        "message_id": message_id,
        "from": {"id": chat_id, "is_bot": False, "first_name": "A", "language_code": language},
        "chat": {"id": chat_id, "first_name": "A", "type": "private"},
        "date": 1732350000 + message_id,
    }
    roll = rng.random()
    if roll < 0.05:
        message["text"] = "/start LEAF24"
    elif roll < 0.10:
        message["photo"] = [
            {
                "file_id": f"AgACAgI{update_id}",
                "file_unique_id": "u",
                "file_size": 50000,
                "width": 1280,
                "height": 960,
            }
        ]
        message["caption"] = rng.choice(TEXTS[language])
    else:
        message["text"] = rng.choice(TEXTS[language])
    return {"update_id": update_id, "message": message}


def _bodies(count: int, chats: int, seed: int = 7) -> list[bytes]:
    rng = random.Random(seed)
    bodies = []
    for n in range(count):
        chat = 900_000_000 + rng.randrange(chats)
        update = _update(800_000_000 + n, chat, n + 1, rng)
        bodies.append(json.dumps(update, ensure_ascii=False).encode())
    return bodies


# --- load generator -----------------------------------------------------------------------


async def _exchange(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes
) -> int:
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    if length:
        await reader.readexactly(length)
    return status


async def _ingest(
    port: int, path: str, secret: str, bodies: list[bytes], concurrency: int, seconds: float
) -> dict[str, Any]:
    latencies: list[float] = []
    errors = 0
    position = 0
    deadline = time.perf_counter() + seconds

    async def client() -> None:
        nonlocal errors, position
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while time.perf_counter() < deadline and position < len(bodies):
                body = bodies[position]
                position += 1
                request = (
                    f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    f"{SECRET_HEADER}: {secret}\r\nContent-Length: {len(body)}\r\n\r\n"
                ).encode() + body
                started = time.perf_counter()
                status = await _exchange(reader, writer, request)
                latencies.append(time.perf_counter() - started)
                if status != 200:
                    errors += 1
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "accepted": len(latencies) - errors,
        "errors": errors,
        "rate": (len(latencies) - errors) / elapsed,
        "p50": latencies[len(latencies) // 2] * 1000 if latencies else 0.0,
        "p99": latencies[int(len(latencies) * 0.99)] * 1000 if latencies else 0.0,
    }


# --- orchestration --------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode:
        raise SystemExit(f"{' '.join(command[2:])} failed: {result.stderr.strip()[-500:]}")


def _wait_until_serving(port: int, server: subprocess.Popen[bytes]) -> None:
    for _ in range(600):
        if server.poll() is not None:
            raise SystemExit("the intake server exited while starting")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("the intake server did not start within 60 s")


def _cpu_seconds(root: int) -> float:
    """CPU time (user + system) used so far by process ``root`` and its descendants.

    The machine is shared, so wall-clock rates depend on what else runs; CPU-normalised
    rates (per CPU-second) are the per-core figure the targets speak of.
    """
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry.name)] = int(fields[1])
        times[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick
    total = 0.0
    for pid, cpu in times.items():
        node = pid
        while node not in (0, 1) and node != root:
            node = parents.get(node, 0)
        if node == root:
            total += cpu
    return total


def _setup_channel() -> tuple[str, str]:
    """Create a Telegram channel as the admin would; return (webhook path, secret)."""
    from safepassage.campaigns.models import Campaign
    from safepassage.channels.domain.instances import create_channel_instance, webhook_path
    from safepassage.channels.hookkey import secret_hash
    from safepassage.channels.models import ChannelInstance

    Campaign.objects.create(code="LEAF24", title="Leaflet")
    instance, _ = create_channel_instance(
        by=None,
        channel_type="telegram",
        name="bench bot",
        credentials={"bot_token": "123456:bench"},
        # Outbound sends are not part of this benchmark: nothing listens there.
        config={"api_base_url": "http://127.0.0.1:9"},
    )
    secret = secrets.token_urlsafe(48)
    ChannelInstance.objects.filter(pk=instance.pk).update(verify_hash=secret_hash(secret))
    return webhook_path(instance), secret


def _worker_phase(limit: int) -> dict[str, Any]:
    from django.db import connection

    from safepassage.cases.models import Case, Message
    from safepassage.envelopes.models import InboundEnvelope
    from safepassage.worker.envelopes import process_pending

    pending = InboundEnvelope.objects.filter(status="pending").count()
    target = min(limit, pending)
    # Warm up (the language detector's models load on first use).
    done = process_pending(limit=20)
    started = time.perf_counter()
    cpu_started = time.process_time()
    while done < target:
        handled = process_pending(limit=min(200, target - done))
        if not handled:
            break
        done += handled
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    timed = done - 20
    statuses = {
        status: InboundEnvelope.objects.filter(status=status).count()
        for status in ("processed", "failed", "pending")
    }
    connection.close()
    return {
        "envelopes": timed,
        "rate": timed / elapsed if elapsed else 0.0,
        "per_cpu": timed / cpu if cpu else 0.0,
        "statuses": statuses,
        "cases": Case.objects.count(),
        "messages": Message.objects.filter(direction="in").count(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--envelopes", type=int, default=3000)
    parser.add_argument(
        "--chats", type=int, default=500, help="distinct chats the updates come from"
    )
    parser.add_argument("--profile", action="store_true", help="profile the worker phase")
    parser.add_argument(
        "--database-url",
        default="",
        help="a PostgreSQL database to use (emptied first; default: a fresh SQLite file)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sp-bench-channels-") as tmp:
        return _bench(Path(tmp), args)


def _bench(tmp: Path, args: argparse.Namespace) -> int:
    port = _free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("SAFEPASSAGE_")}
    env |= {
        "DATABASE_URL": args.database_url or f"sqlite:///{tmp / 'bench.sqlite3'}",
        "SAFEPASSAGE_VAR_DIR": str(tmp),
        "SAFEPASSAGE_SECRET_KEY": secrets.token_urlsafe(48),
        "SAFEPASSAGE_HOOK_KEY": __import__("base64").b64encode(secrets.token_bytes(32)).decode(),
        "SAFEPASSAGE_INSECURE_HTTP": "1",
        "SAFEPASSAGE_KEY_PASSPHRASE": secrets.token_urlsafe(24),
        "SAFEPASSAGE_LOG_LEVEL": "WARNING",
    }
    console_env = env | {
        "SAFEPASSAGE_KEY_FILE": str(tmp / "keys.json"),
        "SAFEPASSAGE_ROLE": "worker",
    }
    _run([*SAFEPASSAGE, "keys", "init", "--public-out", str(tmp / "public.json")], console_env)
    if args.database_url:
        # A given database is emptied first: the figures assume a fresh one.
        _run([*SAFEPASSAGE, "manage", "flush", "--no-input", "--verbosity", "0"], env)
    _run([*SAFEPASSAGE, "manage", "migrate", "--verbosity", "0"], env)

    # This process plays the admin (setup) and then the worker: it holds the secret key.
    os.environ.update(console_env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "safepassage.settings"
    import django

    django.setup()
    path, secret = _setup_channel()
    from django.db import connection

    connection.close()

    intake_env = env | {"SAFEPASSAGE_PUBLIC_KEY_FILE": str(tmp / "public.json")}
    server = subprocess.Popen(
        [
            *SAFEPASSAGE,
            "serve",
            "--role",
            "intake",
            "--port",
            str(port),
            "--workers",
            str(args.workers),
        ],
        env=intake_env,
        stdout=subprocess.DEVNULL,
    )
    print(
        f"channels bench: {args.workers} granian workers, "
        f"{'PostgreSQL' if args.database_url.startswith('postgres') else 'SQLite (WAL)'}, "
        f"{os.cpu_count()} CPUs, "
        f"{args.concurrency} keep-alive connections, {args.chats} chats"
    )
    try:
        _wait_until_serving(port, server)
        bodies = _bodies(60_000, args.chats)
        asyncio.run(_ingest(port, path, secret, bodies[:200], 4, 2.0))  # warm-up
        cpu_before = _cpu_seconds(server.pid)
        result = asyncio.run(
            _ingest(port, path, secret, bodies[200:], args.concurrency, args.seconds)
        )
        server_cpu = _cpu_seconds(server.pid) - cpu_before
    finally:
        server.terminate()
        server.wait(20)

    from safepassage.envelopes.models import InboundEnvelope

    stored = InboundEnvelope.objects.count()
    acknowledged = result["accepted"] + 200
    print(
        f"ingest: {result['rate']:.0f} updates/s accepted "
        f"(p50 {result['p50']:.1f} ms, p99 {result['p99']:.1f} ms, {result['errors']} errors); "
        f"{stored} envelopes stored for {acknowledged} acknowledged"
    )
    per_cpu = result["accepted"] / server_cpu if server_cpu else 0.0
    print(f"ingest: {per_cpu:.0f} updates per server CPU-second ({server_cpu:.1f} s of CPU)")
    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile(time.process_time)
        worker = profiler.runcall(_worker_phase, args.envelopes)
        stats = pstats.Stats(profiler).sort_stats("cumulative")
        stats.print_stats("safepassage", 40)
        stats.print_callees("get_session|receive_message")
    else:
        worker = _worker_phase(args.envelopes)
    print(
        f"worker: {worker['rate']:.0f} envelopes/s wall, {worker['per_cpu']:.0f} per CPU-second "
        f"({worker['envelopes']} timed; "
        f"{worker['cases']} cases, {worker['messages']} inbound messages; {worker['statuses']})"
    )
    ok = (
        stored == acknowledged
        and result["errors"] == 0
        and worker["statuses"].get("failed", 0) == 0
    )
    load = os.getloadavg()[0]
    print(
        f"targets (CPU-normalised; load average {load:.1f} on {os.cpu_count()} CPUs): "
        f"ingest >= 1000/s on {args.workers} cores: "
        + ("met" if per_cpu * args.workers >= 1000 else "NOT met")
        + "; worker >= 500/s per core: "
        + ("met" if worker["per_cpu"] >= 500 else "NOT met")
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
