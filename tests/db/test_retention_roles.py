"""Retention runs with the tiers' own database roles (PostgreSQL), as production runs it.

The worker purges every due case, cleans up envelopes, deliveries, marks and expired
sessions as ``…_worker``; a supervisor sets a legal hold and brings a purge forward as
``…_console``.  Whatever the grants table forgets shows up here as a refusal by the
database, not as a purge that silently never happens in production.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import psycopg
import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.utils import timezone
from pytest_django.fixtures import Settings as SettingsWrapper

from safepassage.accounts.models import Account
from safepassage.casekeys.keys import compact_key_table, forget_cached_keys
from safepassage.casekeys.models import CaseKey
from safepassage.cases.models import Case, Message
from safepassage.cli import main
from safepassage.crypto import runtime
from safepassage.crypto.keys import Keyring
from safepassage.crypto.sealing import seal_envelope_body
from safepassage.envelopes.models import EnvelopeStatus, InboundEnvelope
from safepassage.register.models import CapturedPerson
from safepassage.retention.holds import bring_purge_forward, set_legal_hold
from safepassage.retention.models import CaseRetention
from safepassage.retention.tasks import run_retention
from tests.cases.casework import make_case, reload
from tests.db.roles_support import connected_as, raw_connection
from tests.retention.scenario import OLD, build_world

pytestmark = pytest.mark.django_db(transaction=True)
REFUSED = psycopg.errors.InsufficientPrivilege


@pytest.fixture(autouse=True)
def _roles(tier_roles: list[str]) -> Iterator[None]:
    yield
    forget_cached_keys()


def _current_user() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        row = cursor.fetchone()
        assert row is not None
        return str(row[0])


def test_the_worker_purges_every_rule_as_its_role(
    personas: dict[str, Account], installed_keys: Keyring, settings: SettingsWrapper
) -> None:
    world = build_world(personas, installed_keys)
    processed = InboundEnvelope.objects.create(
        kind="web_submission",
        channel="web",
        received_at=timezone.now() - OLD,
        body=seal_envelope_body({"message": "обработано"}, to=installed_keys.public),
        status=EnvelopeStatus.PROCESSED,
    )
    expired = SessionStore()
    expired.set_expiry(datetime.timedelta(seconds=-60))
    expired.create()

    settings.SAFEPASSAGE_ROLE = "worker"
    runtime.install_keyring(installed_keys)
    with connected_as("worker"):
        assert _current_user().endswith("_worker")
        report = run_retention()

    purged = report["purged"]
    assert isinstance(purged, dict)
    assert sum(purged.values()) == len(world.purged)
    ids = [case.pk for case in world.purged.values()]
    assert not Message.objects.filter(case_id__in=ids).exists()
    assert not CaseKey.objects.filter(case_id__in=ids, scope="case").exists()
    assert not CapturedPerson.objects.filter(case=world.purged["register"]).exists()
    assert not InboundEnvelope.objects.filter(pk=processed.pk).exists()
    assert expired.session_key is not None
    assert not SessionStore().exists(expired.session_key)
    for label in ("held", "open", "interned"):
        assert Message.objects.filter(case=world.kept[label]).exists(), label


def test_a_supervisor_holds_and_brings_forward_as_the_console_role(
    personas: dict[str, Account], installed_keys: Keyring, settings: SettingsWrapper
) -> None:
    held, forward = make_case(language="ru"), make_case(language="ru")
    Case.objects.filter(pk__in=[held.pk, forward.pk]).update(state="closed")
    settings.SAFEPASSAGE_ROLE = "console"
    runtime.install_keyring(installed_keys)
    with connected_as("console"):
        assert _current_user().endswith("_console")
        set_legal_hold(reload(held), hold=True, by=personas["sofia"])
        bring_purge_forward(reload(forward), by=personas["sofia"])
    assert CaseRetention.objects.get(case=held).legal_hold
    assert CaseRetention.objects.get(case=forward).purge_requested_at is not None


def test_no_tier_but_the_worker_may_destroy_case_keys() -> None:
    for tier in ("intake", "console"):
        with raw_connection(tier) as conn, pytest.raises(REFUSED):
            conn.execute("DELETE FROM crypto_casekey")
    with raw_connection("intake") as conn:
        for statement in [
            "SELECT wrapped FROM crypto_casekey",
            "SELECT * FROM retention_caseretention",
            "UPDATE retention_caseretention SET legal_hold = false",
        ]:
            with pytest.raises(REFUSED):
                conn.execute(statement)


def _key_table_file() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT relfilenode FROM pg_class WHERE oid = 'crypto_casekey'::regclass")
        row = cursor.fetchone()
        assert row is not None
        return int(row[0])


def test_only_the_owner_compacts_the_key_table(capsys: pytest.CaptureFixture[str]) -> None:
    """``VACUUM FULL`` writes a new data file without the destroyed keys; the worker's
    role cannot, so its purge leaves that to ``db compact`` run as the owner."""
    make_case(language="ru")
    before = _key_table_file()
    with connected_as("worker"):
        assert compact_key_table() is False
        assert main(["db", "compact"]) == 1
    assert "only the owner of crypto_casekey" in capsys.readouterr().err
    assert _key_table_file() == before
    assert main(["db", "compact"]) == 0
    assert "compacted crypto_casekey" in capsys.readouterr().out
    assert _key_table_file() != before
