"""A demo deployment in the test database and its backup, taken through the CLI."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from django.apps import apps
from django.db import connections

from safepassage.backups.service import COUNTED
from safepassage.cases.models import Case
from safepassage.console.forms.queue import OPEN_STATES
from safepassage.crypto.keyfile import write_public_keyfile
from safepassage.crypto.keys import Keyring
from safepassage.crypto.sealing import seal
from safepassage.demo.load import DemoLogin, create_accounts, create_campaigns, create_cases
from safepassage.register.domain import open_record_for_surrendered_case

from .helpers import backup_env, run_cli

SURNAME = "Пономаренко-Тестовый"


@dataclass(frozen=True)
class Source:
    """The demo deployment the drill backs up, and what it must find again."""

    name: str
    logins: dict[str, DemoLogin]
    receipts: dict[str, str]
    open_references: set[str]
    counts: dict[str, int]
    backup: Path


def _source_database() -> str:
    return str(connections["default"].settings_dict["NAME"])


@pytest.fixture
def source(db: None, tmp_path: Path, installed_keys: Keyring) -> Source:
    """Demo data in the test database, a register record with a sealed name, a backup."""
    logins = {login.username: login for login in create_accounts()}
    create_campaigns()
    receipts = create_cases()
    surrendered = Case.objects.filter(state="surrendered").first()
    assert surrendered is not None
    record = open_record_for_surrendered_case(surrendered, by=None)
    record.surname = seal(SURNAME, to=installed_keys.public)
    record.save()
    public_file = tmp_path / "public.json"
    write_public_keyfile(installed_keys.public, public_file)
    backup = tmp_path / "nightly.spbackup"
    created = run_cli(
        "backup",
        "create",
        "--output",
        str(backup),
        env=backup_env(tmp_path, _source_database(), public_file),
    )
    assert created.returncode == 0, created.stderr
    return Source(
        name=_source_database(),
        logins=logins,
        receipts=receipts,
        open_references=set(
            Case.objects.filter(state__in=OPEN_STATES).values_list("reference", flat=True)
        ),
        counts={label: apps.get_model(model).objects.count() for label, model in COUNTED},
        backup=backup,
    )
