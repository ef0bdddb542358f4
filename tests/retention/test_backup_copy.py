"""A real backup taken before a purge: SQLite's online backup API, or pg_dump.

After the purge, the backup's sealed rows of the purged case no longer open with the
current key material (the programme key and the live key table), while the backup's rows
of a kept case still do.  The backup's own copy of ``crypto_casekey`` is what the
documented window is about: with it, the purged case reopens.
"""

from __future__ import annotations

import datetime
import os
import sqlite3
import subprocess
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from safepassage.accounts.models import Account
from safepassage.casekeys.keys import forget_cached_keys
from safepassage.casekeys.models import CaseKey
from safepassage.cases.domain import transition_case
from safepassage.cases.models import Case, Message
from safepassage.crypto.errors import KeyShredded
from safepassage.crypto.keys import Keyring
from safepassage.crypto.sealing import Sealed, open_text
from safepassage.retention.tasks import run_retention

from ..cases.casework import make_case

_TABLES = ("cases_message", "crypto_casekey")


def _sqlite_backup(target: Path) -> dict[str, list[tuple[object, ...]]]:
    connection.ensure_connection()
    source = connection.connection
    assert source is not None
    with sqlite3.connect(target) as copy:
        source.backup(copy)
    with sqlite3.connect(target) as copy:
        return {
            "cases_message": copy.execute("SELECT id, case_id, body FROM cases_message").fetchall(),
            "crypto_casekey": copy.execute(
                "SELECT key_id, case_id, scope, wrapped, created_at FROM crypto_casekey"
            ).fetchall(),
        }


def _pg_dump(target: Path) -> dict[str, list[tuple[object, ...]]]:
    db = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": str(db["PASSWORD"])}
    command = [
        "pg_dump",
        "--data-only",
        f"--host={db['HOST']}",
        f"--port={db['PORT'] or 5432}",
        f"--username={db['USER']}",
        f"--file={target}",
        *[f"--table={table}" for table in _TABLES],
        str(db["NAME"]),
    ]
    subprocess.run(command, check=True, env=env, timeout=120)  # noqa: S603 - fixed arguments
    # COPY blocks: "COPY public.table (col, ...) FROM stdin;" then tab-separated rows.
    rows: dict[str, list[tuple[object, ...]]] = {table: [] for table in _TABLES}
    columns: list[str] = []
    current = ""
    for line in target.read_text(encoding="utf-8").splitlines():
        if line.startswith("COPY public."):
            current = line.split()[1].removeprefix("public.")
            columns = [c.strip() for c in line[line.index("(") + 1 : line.index(")")].split(",")]
            continue
        if line == "\\.":
            current = ""
            continue
        if current in rows:
            values = dict(zip(columns, line.split("\t"), strict=True))
            if current == "cases_message":
                body = bytes.fromhex(values["body"].removeprefix("\\\\x"))
                rows[current].append((int(values["id"]), int(values["case_id"]), body))
            else:
                wrapped = bytes.fromhex(values["wrapped"].removeprefix("\\\\x"))
                row = (values["key_id"], int(values["case_id"]), values["scope"], wrapped)
                rows[current].append((*row, values["created_at"]))
    return rows


@pytest.mark.django_db(transaction=True)
def test_a_backup_from_before_the_purge_yields_nothing_of_the_purged_case(
    personas: dict[str, Account], installed_keys: Keyring, tmp_path: Path
) -> None:
    purged = transition_case(
        make_case(language="ru", message="секрет из бэкапа"),
        to="closed",
        by=personas["sofia"],
        reason="withdrawn",
    )
    kept = make_case(language="ru", message="остаётся")
    Case.objects.filter(pk=purged.pk).update(
        state_changed_at=timezone.now() - datetime.timedelta(days=400)
    )
    if connection.vendor == "sqlite":
        backup = _sqlite_backup(tmp_path / "backup.sqlite3")
    else:
        backup = _pg_dump(tmp_path / "backup.sql")
    assert {row[1] for row in backup["cases_message"]} == {purged.pk, kept.pk}

    run_retention()
    forget_cached_keys()
    assert not Message.objects.filter(case=purged).exists()

    for _id, case_id, body in backup["cases_message"]:
        assert isinstance(body, bytes)
        if case_id == purged.pk:
            with pytest.raises(KeyShredded):
                open_text(Sealed(body), installed_keys)
        else:
            assert open_text(Sealed(body), installed_keys) == "остаётся"

    # The limit of the guarantee: the backup's own key table reopens the purged case.
    for key_id, case_id, scope, wrapped, _created in backup["crypto_casekey"]:
        if case_id == purged.pk:
            assert isinstance(wrapped, bytes)
            CaseKey.objects.create(
                key_id=str(key_id), case_id=case_id, scope=str(scope), wrapped=Sealed(wrapped)
            )
    forget_cached_keys()
    reopened = [
        open_text(Sealed(body), installed_keys)
        for _id, case_id, body in backup["cases_message"]
        if case_id == purged.pk and isinstance(body, bytes)
    ]
    assert reopened == ["секрет из бэкапа"]
