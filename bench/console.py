"""Benchmark the operators' console on a large database: queue, case and search pages.

    ./dev bench console [--cases 1000000] [--messages 5000000] [--database sqlite|postgres|both]
                        [--requests 200] [--reuse]

1. Generates ``--cases`` cases and about ``--messages`` messages (one web contact per
   case), with a progress bar, straight into a fresh database through the ORM's bulk
   inserts.  States follow a long-running programme: most cases closed or surrendered,
   a few percent open in the queues.  About a third carry a name, a fifth a service
   number, each sealed and blind-indexed exactly as the console stores them.
2. Signs in an operator (reads Russian and Korean) and a supervisor with verified
   console sessions and requests, through Django's test client (the whole middleware
   stack, sessions, CSRF-exempt client), each page ``--requests`` times:

   * ``queue``: the Russian queue, first page (counts per language, 50 rows);
   * ``case``: the workspace of a random open case (opens ~5 sealed messages, writes an
     audit event — both real);
   * ``search``: by exact name (blind index, every word order), by service number, by
     reference, and by state + language + date.

   It reports p50/p95 per page; the target is p95 < 150 ms.

Encryption is the real one, but values are sealed once and their blobs reused: sealing
5 million messages one by one (an X25519 sealed box plus XSalsa20-Poly1305 each) would
take most of an hour of CPU and add nothing the benchmark measures — rows have the
same size and every page still opens them with the programme's secret key.  Names and
service numbers come from pools of distinct values, each sealed once, with the blind
index of its name key, so searches hit realistic numbers of rows.

``--database both`` runs SQLite then PostgreSQL, each in its own process (settings
are read from the environment at start).  PostgreSQL uses ``--postgres-url``; its
``public`` schema is dropped and recreated, so point it at a database kept for this.
"""

from __future__ import annotations

import argparse
import datetime
import json
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
DEFAULT_SQLITE = ROOT / "var" / "bench" / "console.sqlite3"
DEFAULT_POSTGRES = "postgres://safepassage:safepassage@127.0.0.1:5432/safepassage_bench"
TARGET_P95_MS = 150.0
BENCH_PASSPHRASE = "bench only, guards throw-away data"  # noqa: S105
BATCH = 5_000
# Share of cases per state, and of languages: a programme years into its work.
STATES = [
    ("new", 0.010),
    ("engaged", 0.020),
    ("verified", 0.020),
    ("planning", 0.005),
    ("surrendered", 0.045),
    ("closed", 0.900),
]
LANGUAGES = [("ru", 0.70), ("ko", 0.15), ("uk", 0.10), ("en", 0.05)]
CLOSE_REASONS = ["completed", "withdrawn", "unreachable", "ineligible", "duplicate"]
CHANNELS = ["web", "web", "web", "telegram", "whatsapp", "sms"]
INQUIRIES = ["surrender", "considering", "avoiding_mobilisation", "family_member", "information"]


def _words(text: str) -> list[str]:
    return text.split()


# Word lists for generated names and messages.
RU_SURNAMES = _words(
    "Иванов Смирнов Кузнецов Попов Васильев Петров Соколов Михайлов Новиков Фёдоров "
    "Морозов Волков Алексеев Лебедев Семёнов Егоров Павлов Козлов Степанов Николаев"
)
RU_GIVEN = _words(
    "Александр Дмитрий Максим Сергей Андрей Алексей Артём Илья Кирилл Михаил Никита "
    "Матвей Роман Егор Иван"
)
RU_PATRONYMIC = _words(
    "Александрович Дмитриевич Сергеевич Андреевич Алексеевич Иванович Михайлович "
    "Петрович Николаевич Владимирович"
)
KO_SURNAMES = _words("김 리 박 최 정 강 조 윤 장 림 한 오 서 신 권")
KO_SYLLABLES = _words("철 성 명 영 광 혁 일 남 국 진 호 수 민 준 현 용 학 춘 길 룡")
WORDS = {
    "ru": _words(
        "я мы хочу сдаться помогите нас трое под курском связь плохая телефон проверяют "
        "как быть куда идти когда ночью позиция командир мобилизовали месяц назад"
    ),
    "ko": _words(
        "저는 우리 살고 싶습니다 도와주세요 세 명 전화 검사 어떻게 어디로 밤에 "
        "부대 지휘관 지난달 보내졌습니다 항복"
    ),
    "uk": _words("пишу за брата його мобілізували хоче здатися полон як бути куди звертатися"),
    "en": _words("my son was sent to the front last week he wants to surrender how can reach you"),
}


def _progress(label: str, done: int, total: int, started: float) -> None:
    width = 30
    filled = int(width * done / total) if total else width
    rate = done / max(time.perf_counter() - started, 1e-9)
    eta = (total - done) / rate if rate else 0.0
    sys.stderr.write(
        f"\r{label:<10} [{'#' * filled}{'.' * (width - filled)}] {done:>10,}/{total:,}"
        f"  {rate:>9,.0f}/s  eta {eta:>5.0f}s"
    )
    if done >= total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def _weighted(rng: random.Random, table: list[tuple[str, float]]) -> str:
    return rng.choices([key for key, _ in table], weights=[w for _, w in table])[0]


# --- generation (runs with Django configured) -------------------------------------------


def _pools(rng: random.Random) -> dict[str, Any]:
    """Distinct values sealed once each: message texts, names, service numbers."""
    from safepassage.cases.domain.identity import index_for
    from safepassage.crypto.runtime import get_public_keyring
    from safepassage.crypto.sealing import seal

    public = get_public_keyring()
    texts = {
        lang: [
            seal(" ".join(rng.choices(words, k=rng.randint(6, 40))), to=public) for _ in range(500)
        ]
        for lang, words in WORDS.items()
    }
    names: dict[str, list[tuple[str, Any, str | None]]] = {}
    for lang in ["ru", "uk", "en"]:
        pool = {
            f"{rng.choice(RU_SURNAMES)} {rng.choice(RU_GIVEN)} {rng.choice(RU_PATRONYMIC)}"
            for _ in range(6000)
        }
        names[lang] = [(n, seal(n, to=public), index_for("name", n)) for n in sorted(pool)]
    ko_pool = {
        rng.choice(KO_SURNAMES) + rng.choice(KO_SYLLABLES) + rng.choice(KO_SYLLABLES)
        for _ in range(6000)
    }
    names["ko"] = [(n, seal(n, to=public), index_for("name", n)) for n in sorted(ko_pool)]
    numbers = [
        f"{rng.choice('АБВГДЕЖ')}{rng.choice('КМНОПР')}-{rng.randrange(10**6):06d}"
        for _ in range(50_000)
    ]
    service = [(n, seal(n, to=public), index_for("service_number", n)) for n in numbers]
    return {"texts": texts, "names": names, "service": service}


def generate(cases: int, messages: int, seed: int = 20241023) -> dict[str, Any]:
    """Fill the (migrated, empty) database; return what the measurements need."""
    from django.db import connection, transaction

    from safepassage.accounts.models import Account
    from safepassage.campaigns.models import Campaign
    from safepassage.cases.models import Case, Contact, Message

    rng = random.Random(seed)
    started = time.perf_counter()
    operator = Account.objects.create_account(
        "bench-operator", "bench password 0123", role="operator", languages=["ru", "ko"]
    )
    colleague = Account.objects.create_account(
        "bench-colleague", "bench password 0123", role="operator", languages=["ru", "uk", "en"]
    )
    supervisor = Account.objects.create_account(
        "bench-supervisor", "bench password 0123", role="supervisor", languages=["ru", "uk"]
    )
    campaigns = [
        Campaign.objects.create(code=f"BENCH{i:02d}", title=f"Appeal {i}") for i in range(20)
    ]
    pools = _pools(rng)
    sys.stderr.write(f"sealed value pools ready in {time.perf_counter() - started:.1f}s\n")

    per_case = max(messages / max(cases, 1), 1.0)
    now = datetime.datetime.now(datetime.UTC)
    span = datetime.timedelta(days=730).total_seconds()
    case_id = contact_id = message_id = 0
    total_messages = 0
    open_refs: list[str] = []
    named: list[tuple[str, str]] = []
    numbered: list[str] = []
    t0 = time.perf_counter()
    for start in range(0, cases, BATCH):
        case_rows, contact_rows, message_rows = [], [], []
        for _ in range(min(BATCH, cases - start)):
            case_id += 1
            contact_id += 1
            language = _weighted(rng, LANGUAGES)
            state = _weighted(rng, STATES)
            # Open cases are recent; old ones are mostly closed.
            age = rng.random() * (span if state in {"closed", "surrendered"} else span / 50)
            created = now - datetime.timedelta(seconds=age)
            count = max(1, round(rng.expovariate(1 / per_case))) if per_case > 1 else 1
            count = min(count, 40)
            channel = rng.choice(CHANNELS)
            times = sorted(
                created + datetime.timedelta(minutes=rng.randint(0, 600)) for _ in range(count)
            )
            open_case = state not in {"closed", "surrendered"}
            last_inbound = open_case and rng.random() < 0.6
            case = Case(
                id=case_id,
                created_at=created,
                state=state,
                close_reason=rng.choice(CLOSE_REASONS) if state == "closed" else "",
                inquiry_type=rng.choice(INQUIRIES),
                language=language,
                first_channel=channel,
                campaign=rng.choice(campaigns) if rng.random() < 0.3 else None,
                group_size=rng.randint(1, 6) if state in {"verified", "planning"} else None,
                no_filming=rng.random() < 0.3,
                state_changed_at=times[-1],
                waiting_since=times[-1] if last_inbound else None,
                first_response_at=times[0] + datetime.timedelta(minutes=rng.randint(1, 40)),
            )
            if open_case and rng.random() < 0.6:
                # Someone who reads the language works it: the operator (ru, ko) or the
                # colleague (ru, uk, en).
                mine = language == "ko" or (language == "ru" and rng.random() < 0.5)
                case.assigned_to = operator if mine else colleague
            if rng.random() < 0.33:
                name, sealed, index = rng.choice(pools["names"][language])
                case.name, case.name_index = sealed, index
                if len(named) < 500:
                    named.append((name, case.reference))
            if rng.random() < 0.2:
                number, sealed, index = rng.choice(pools["service"])
                case.service_number, case.service_number_index = sealed, index
                if len(numbered) < 500:
                    numbered.append(number)
            if open_case and len(open_refs) < 5000:
                open_refs.append(case.reference)
            case_rows.append(case)
            contact_rows.append(
                Contact(
                    id=contact_id,
                    case_id=case_id,
                    channel=channel,
                    relation="self",
                    language=language,
                    last_inbound_at=times[-1],
                )
            )
            texts = pools["texts"][language]
            for position, at in enumerate(times):
                message_id += 1
                inbound = position % 2 == 0 or (last_inbound and position == count - 1)
                message_rows.append(
                    Message(
                        id=message_id,
                        case_id=case_id,
                        contact_id=contact_id,
                        direction="in" if inbound else "out",
                        channel=channel,
                        language=language,
                        body=rng.choice(texts),
                        status="received" if inbound else "delivered",
                        created_at=at,
                        author=None if inbound else operator,
                    )
                )
        with transaction.atomic(), _history_timestamps():
            Case.objects.bulk_create(case_rows, batch_size=1000)
            Contact.objects.bulk_create(contact_rows, batch_size=2000)
            Message.objects.bulk_create(message_rows, batch_size=2000)
        total_messages += len(message_rows)
        _progress("cases", start + len(case_rows), cases, t0)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in ["cases_case", "cases_contact", "cases_message"]:
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                    f"(SELECT MAX(id) FROM {table}))"
                )
            # A settled database: autovacuum would have set the visibility map by now,
            # which index-only scans (the queue counts) rely on.
            cursor.execute("VACUUM (ANALYZE)")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    took = time.perf_counter() - started
    sys.stderr.write(f"generated {cases:,} cases, {total_messages:,} messages in {took:.0f}s\n")
    return {
        "operator": operator.pk,
        "supervisor": supervisor.pk,
        "open_refs": open_refs,
        "named": named,
        "numbered": numbered,
        "messages": total_messages,
        "generation_seconds": round(took, 1),
    }


@contextmanager
def _history_timestamps() -> Iterator[None]:
    """Let generated cases keep their past ``created_at`` (normally ``auto_now_add``).

    Only this benchmark process is affected, only while it bulk-inserts history.
    """
    from safepassage.cases.models import Case

    field = Case._meta.get_field("created_at")
    field.auto_now_add = False
    try:
        yield
    finally:
        field.auto_now_add = True


def _existing(min_cases: int) -> dict[str, Any] | None:
    """Reuse a database generated before (``--reuse``) if it holds enough cases."""
    from safepassage.accounts.models import Account
    from safepassage.cases.models import Case, Message

    if Case.objects.count() < min_cases:
        return None
    rng = random.Random(1)
    open_refs = list(
        Case.objects.exclude(state__in=["closed", "surrendered"]).values_list(
            "reference", flat=True
        )[:5000]
    )
    return {
        "operator": Account.objects.get(username="bench-operator").pk,
        "supervisor": Account.objects.get(username="bench-supervisor").pk,
        "open_refs": open_refs,
        "named": _named_sample(rng),
        "numbered": _numbered_sample(),
        "messages": Message.objects.count(),
        "generation_seconds": None,
    }


def _named_sample(rng: random.Random) -> list[tuple[str, str]]:
    from safepassage.cases.models import Case
    from safepassage.crypto.runtime import get_keyring
    from safepassage.crypto.sealing import open_text

    rows = Case.objects.exclude(name=None).values_list("name", "reference")[:200]
    keyring = get_keyring()
    sample = [(open_text(name, keyring), ref) for name, ref in rows if name is not None]
    rng.shuffle(sample)
    return sample


def _numbered_sample() -> list[str]:
    from safepassage.cases.models import Case
    from safepassage.crypto.runtime import get_keyring
    from safepassage.crypto.sealing import open_text

    keyring = get_keyring()
    values = Case.objects.exclude(service_number=None).values_list("service_number", flat=True)
    return [open_text(value, keyring) for value in values[:200] if value is not None]


# --- measurement ----------------------------------------------------------------------


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


def _timed(label: str, requests: int, call: Callable[[int], Any]) -> dict[str, float]:
    for i in range(min(5, requests)):  # warm caches and connections
        call(i)
    samples = []
    started = time.perf_counter()
    for i in range(requests):
        t0 = time.perf_counter()
        response = call(i)
        samples.append((time.perf_counter() - t0) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{label}: HTTP {response.status_code} on request {i}")
        _progress(label, i + 1, requests, started)
    samples.sort()
    return {
        "p50_ms": round(statistics.median(samples), 1),
        "p95_ms": round(samples[max(0, int(len(samples) * 0.95) - 1)], 1),
        "max_ms": round(samples[-1], 1),
    }


def measure(data: dict[str, Any], requests: int) -> dict[str, dict[str, float]]:
    """p50/p95 per page."""
    operator = _client_for(data["operator"])
    supervisor = _client_for(data["supervisor"])
    rng = random.Random(5)
    refs = data["open_refs"] or ["NONE"]
    named = data["named"] or [("Иванов Иван", "")]
    numbered = data["numbered"] or ["АК-000000"]
    today = datetime.date.today()

    def search(i: int) -> Any:
        kind = i % 4
        if kind == 0:
            name = named[i % len(named)][0]
            words = name.split()
            rng.shuffle(words)  # every word order must be found
            form = {"name": " ".join(words)}
        elif kind == 1:
            form = {"service_number": numbered[i % len(numbered)]}
        elif kind == 2:
            form = {"reference": refs[i % len(refs)].replace("-", "").lower()}
        else:
            form = {
                "state": "verified",
                "language": "ru",
                "created_from": (today - datetime.timedelta(days=30)).isoformat(),
            }
        return supervisor.post("/console/search/", form)

    return {
        "queue": _timed("queue", requests, lambda _i: operator.get("/console/queue/?language=ru")),
        "queue (all)": _timed(
            "queue-all", requests, lambda _i: supervisor.get("/console/queue/?scope=all")
        ),
        "case": _timed(
            "case", requests, lambda _i: supervisor.get(f"/console/cases/{rng.choice(refs)}/")
        ),
        "search": _timed("search", requests, search),
    }


# --- driver ---------------------------------------------------------------------------


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
            _fresh_postgres(args.postgres_url)


def _fresh_postgres(url: str) -> None:
    """Create the bench database if needed and empty its ``public`` schema."""
    import urllib.parse

    import psycopg
    from psycopg import sql

    name = urllib.parse.urlsplit(url).path.lstrip("/")
    maintenance = urllib.parse.urlsplit(url)._replace(path="/postgres").geturl()
    with psycopg.connect(maintenance, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    with psycopg.connect(url, autocommit=True) as conn:
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
    import nacl.pwhash
    from django.core.management import call_command

    from safepassage.crypto import runtime
    from safepassage.crypto.keyfile import create_keyfile, load_keyring
    from safepassage.crypto.keys import ReceiptParams

    call_command("migrate", verbosity=0)
    key_file = Path(args.sqlite_path).with_name(f"console-{args.database}.keys.json")
    data = None
    if args.reuse and key_file.exists():
        runtime.install_keyring(load_keyring(key_file, BENCH_PASSPHRASE))
        data = _existing(args.cases)
    if data is None:
        key_file.unlink(missing_ok=True)
        # A real key file (fast KDF: it guards nothing but throw-away bench data), kept
        # beside the database so --reuse can open what this run sealed.
        keyring = create_keyfile(
            key_file,
            BENCH_PASSPHRASE,
            kdf_opslimit=nacl.pwhash.argon2id.OPSLIMIT_MIN,
            kdf_memlimit=nacl.pwhash.argon2id.MEMLIMIT_MIN,
            receipt_params=ReceiptParams(opslimit=1, memlimit=8 * 1024 * 1024),
        )
        runtime.install_keyring(keyring)
        data = generate(args.cases, args.messages)
    results = measure(data, args.requests)
    return {
        "database": args.database,
        "cases": args.cases,
        "messages": data["messages"],
        "generation_seconds": data["generation_seconds"],
        "pages": results,
    }


def _report(result: dict[str, Any]) -> None:
    print(
        f"\n{result['database']}: {result['cases']:,} cases, {result['messages']:,} messages"
        + (
            f", generated in {result['generation_seconds']:.0f}s"
            if result["generation_seconds"]
            else ""
        )
    )
    print(
        f"{'page':<14}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}  target p95 < {TARGET_P95_MS:.0f} ms"
    )
    for page, figures in result["pages"].items():
        verdict = "ok" if figures["p95_ms"] < TARGET_P95_MS else "OVER"
        p50, p95, top = figures["p50_ms"], figures["p95_ms"], figures["max_ms"]
        print(f"{page:<14}{p50:>9}{p95:>9}{top:>9}  {verdict}")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--messages", type=int, default=None, help="default: 5 per case")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page")
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--sqlite-path", default=str(DEFAULT_SQLITE))
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES)
    parser.add_argument("--reuse", action="store_true", help="measure an earlier run's database")
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()
    if args.messages is None:
        args.messages = args.cases * 5
    if args.database == "both":
        results = []
        for database in ["sqlite", "postgres"]:
            command = [sys.executable, __file__, *sys.argv[1:], "--database", database]
            command += ["--json", str(Path(args.sqlite_path).with_name(f"console-{database}.json"))]
            subprocess.run(command, check=True)
            results.append(json.loads(Path(command[-1]).read_text()))
        return 0 if all(_passes(result) for result in results) else 1
    result = run_one(args)
    _report(result)
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2))
    return 0 if _passes(result) else 1


def _passes(result: dict[str, Any]) -> bool:
    return all(page["p95_ms"] < TARGET_P95_MS for page in result["pages"].values())


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    sys.exit(main())
