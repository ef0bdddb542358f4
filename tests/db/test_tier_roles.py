"""Each tier connected as its own database role (PostgreSQL), as production runs it.

The intake serves the whole public journey as ``…_intake`` (a form, a receipt sign-in,
reading the operator's reply, a follow-up, a messenger webhook) while the worker runs as
``…_worker`` and the operator replies as ``…_console``.  Then a second, plain connection
as the intake role tries what a seized intake host would, and the database itself
refuses.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import psycopg
import pytest
from django.db import connection
from django.test import Client
from pytest_django.fixtures import Settings as SettingsWrapper

from safepassage.accounts.models import Account
from safepassage.cases.domain import post_reply
from safepassage.cases.models import Case, Contact, Direction, Message
from safepassage.channels.domain.instances import create_channel_instance, webhook_path
from safepassage.channels.hookkey import secret_hash
from safepassage.channels.hooks import forget_hooks
from safepassage.channels.models import ChannelInstance
from safepassage.cli.dbroles import rights_results
from safepassage.crypto import runtime
from safepassage.crypto.keys import Keyring
from safepassage.db.grants import Tier
from safepassage.db.roles import role_name
from safepassage.envelopes.models import InboundEnvelope
from safepassage.intake import throttling
from safepassage.worker.envelopes import process_pending
from tests.channels import payloads
from tests.db.roles_support import connected_as, grant_test_roles, raw_connection
from tests.intake.helpers import html, post_form, receipt_from

pytestmark = pytest.mark.django_db(transaction=True)
TG_SECRET = "telegram-secret-token-for-role-tests-0123"
REPLY = "안녕하세요. 지금 안전한 곳에 있습니까?"
REFUSED = psycopg.errors.InsufficientPrivilege


@pytest.fixture(autouse=True)
def _roles(tier_roles: list[str], settings: SettingsWrapper) -> Iterator[None]:
    settings.SAFEPASSAGE_SUBMIT_RATE_CLIENT = "1000/1"
    settings.SAFEPASSAGE_SUBMIT_RATE_GLOBAL = "1000/1"
    settings.SAFEPASSAGE_SIGNIN_RATE_CLIENT = "1000/1"
    settings.SAFEPASSAGE_SIGNIN_RATE_GLOBAL = "1000/1"
    throttling.reset()
    forget_hooks()
    yield
    forget_hooks()


def _as_intake(settings: SettingsWrapper, keyring: Keyring) -> None:
    settings.SAFEPASSAGE_ROLE = "intake"
    runtime.install_keyring(None, public=keyring.public)


def _as_full(settings: SettingsWrapper, role: str, keyring: Keyring) -> None:
    settings.SAFEPASSAGE_ROLE = role
    runtime.install_keyring(keyring)


def _current_user() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        return str(cursor.fetchone()[0])


def _token(page: str) -> str:
    match = re.search(r'name="token" value="([0-9a-f]+)"', page)
    assert match is not None
    return match.group(1)


def _telegram() -> str:
    telegram, _ = create_channel_instance(
        by=None, channel_type="telegram", name="bot", credentials={"bot_token": "1:x"}
    )
    ChannelInstance.objects.filter(pk=telegram.pk).update(verify_hash=secret_hash(TG_SECRET))
    return webhook_path(telegram)


def _submit_as_intake(client: Client, lang: str, message: str) -> str:
    response = post_form(client, f"/{lang}/", {"message": message})
    assert response.status_code == 200, response.status_code
    return receipt_from(response)


def _process_as_worker(settings: SettingsWrapper, keyring: Keyring) -> int:
    _as_full(settings, "worker", keyring)
    with connected_as("worker"):
        assert _current_user() == role_name("worker")
        return process_pending()


def test_the_public_journey_runs_with_each_tier_as_its_role(
    settings: SettingsWrapper, installed_keys: Keyring, personas: dict[str, Account]
) -> None:
    hook = _telegram()
    client = Client()

    _as_intake(settings, installed_keys)
    with connected_as("intake"):
        assert _current_user() == role_name("intake")
        receipt = _submit_as_intake(client, "ko", "살고 싶습니다. 혼자입니다.")
    assert _process_as_worker(settings, installed_keys) == 1

    _as_full(settings, "console", installed_keys)
    with connected_as("console"):
        assert _current_user() == role_name("console")
        post_reply(Case.objects.get(), by=Account.objects.get(username="kim"), text=REPLY)

    _as_intake(settings, installed_keys)
    with connected_as("intake"):
        response = post_form(client, "/ko/inbox", {"receipt": receipt})
        assert response.status_code == 303
        page = html(client.get("/ko/inbox"))
        assert "살고 싶습니다. 혼자입니다." in page
        assert REPLY in page
        assert page.index("살고 싶습니다") < page.index(REPLY)
        response = post_form(
            client, "/ko/inbox/send", {"message": "네, 안전합니다.", "token": _token(page)}
        )
        assert response.status_code == 303
        body = payloads.to_json(payloads.tg_message(4449990001, text="Хочу сдаться"))
        response = client.post(
            hook,
            body,
            content_type="application/json",
            HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN=TG_SECRET,
        )
        assert response.status_code == 200
    assert _process_as_worker(settings, installed_keys) == 2

    _as_intake(settings, installed_keys)
    with connected_as("intake"):
        page = html(client.get("/ko/inbox"))
        assert "네, 안전합니다." in page
    assert Message.objects.filter(direction=Direction.INBOUND).count() == 3
    assert Case.objects.count() == 2


def test_a_seized_intake_can_read_and_change_nothing_else(
    settings: SettingsWrapper, installed_keys: Keyring, personas: dict[str, Account]
) -> None:
    client = Client()
    _as_intake(settings, installed_keys)
    with connected_as("intake"):
        mine = _submit_as_intake(client, "ru", "Первое сообщение")
        _submit_as_intake(client, "uk", "Чуже повідомлення")
    assert _process_as_worker(settings, installed_keys) == 2
    contacts = list(Contact.objects.order_by("pk"))
    mine_hash, other_hash = (c.receipt_lookup_hash for c in contacts)
    assert mine_hash
    assert other_hash
    assert mine  # the receipt itself is never stored; only its lookup hash

    forbidden_reads = [
        "SELECT * FROM accounts_account",
        "SELECT password FROM accounts_account",
        "SELECT * FROM django_session",
        "SELECT * FROM audit_auditevent",
        "SELECT * FROM audit_audithead",
        "SELECT * FROM cases_case",
        "SELECT reference FROM cases_case",
        "SELECT * FROM cases_contact",
        "SELECT receipt_lookup_hash FROM cases_contact",
        "SELECT * FROM cases_message",
        "SELECT * FROM cases_note",
        "SELECT * FROM register_capturedperson",
        "SELECT * FROM register_repatriationwish",
        "SELECT * FROM register_bureauexport",
        "SELECT * FROM floods_casemark",
        "SELECT * FROM floods_floodgroup",
        "SELECT * FROM django_tasks_database_dbtaskresult",
        "SELECT credentials FROM channels_channelinstance",
        "SELECT hook_key FROM channels_channelinstance",
        "SELECT body FROM intake_inboundenvelope",
        "SELECT status FROM intake_inboundenvelope",
    ]
    forbidden_writes = [
        "UPDATE intake_inboundenvelope SET status = 'processed'",
        "DELETE FROM intake_inboundenvelope",
        "TRUNCATE intake_inboundenvelope",
        "UPDATE audit_auditevent SET action = 'x'",
        "DELETE FROM audit_auditevent",
        "INSERT INTO audit_auditevent (seq, created_at, actor_label, action, object_type, "
        "object_ref, detail, prev_hash, hash) VALUES (99, now(), 'x', 'x', '', '', '{}', '', 'y')",
        "INSERT INTO accounts_account (password, username, display_name, role, languages, "
        "is_active, totp_confirmed, session_generation, on_shift, must_change_password, "
        "totp_last_step, console_language, created_at) VALUES "
        "('x', 'mole', '', 'supervisor', '[]', true, true, 0, false, false, 0, 'en', now())",
        "UPDATE cases_case SET state = 'closed'",
        "DELETE FROM cases_message",
        "UPDATE campaigns_campaign SET code = 'x'",
        "UPDATE channels_channelinstance SET is_active = false",
        "INSERT INTO django_session VALUES ('k', 'd', now())",
        "CREATE TABLE mole (id int)",
        "CREATE FUNCTION mole() RETURNS int LANGUAGE sql AS 'SELECT 1'",
    ]
    with raw_connection("intake") as conn:
        for statement in forbidden_reads + forbidden_writes:
            with pytest.raises(REFUSED):
                conn.execute(statement)
        # What it may do: count its own inserts' ids (RETURNING needs it), nothing more.
        assert conn.execute("SELECT count(id) FROM intake_inboundenvelope").fetchone() == (2,)
        # The inbox function answers for one lookup hash only.
        own = conn.execute(
            "SELECT inbound, body FROM safepassage_inbox_messages(%s, 100)", [mine_hash]
        ).fetchall()
        other = conn.execute(
            "SELECT inbound, body FROM safepassage_inbox_messages(%s, 100)", [other_hash]
        ).fetchall()
        assert len(own) == 1
        assert len(other) == 1
        assert own != other
        for guess in ["0" * 64, "", "%", "' OR 1=1 --", mine_hash.upper()]:
            assert conn.execute(
                "SELECT count(*) FROM safepassage_inbox_messages(%s, 100)", [guess]
            ).fetchone() == (0,)
            assert conn.execute("SELECT safepassage_inbox_key(%s)", [guess]).fetchone() == (None,)
        # A role cannot give itself more: no membership, no grant of its own.
        for statement in [
            f"GRANT {role_name('console')} TO {role_name('intake')}",
            f"SET ROLE {role_name('console')}",
            f"GRANT SELECT ON cases_case TO {role_name('intake')}",
            f"ALTER ROLE {role_name('intake')} SUPERUSER",
        ]:
            with pytest.raises(psycopg.Error):
                conn.execute(statement)


@pytest.mark.parametrize("tier", ["worker", "console"])
def test_no_tier_can_rewrite_the_audit_trail(tier: Tier, personas: dict[str, Account]) -> None:
    with raw_connection(tier) as conn:
        for statement in [
            "UPDATE audit_auditevent SET action = 'x'",
            "DELETE FROM audit_auditevent",
            "TRUNCATE audit_auditevent",
            "DELETE FROM audit_audithead",
        ]:
            with pytest.raises(REFUSED):
                conn.execute(statement)


def test_worker_and_console_are_refused_what_only_the_other_needs() -> None:
    with raw_connection("worker") as conn:
        for statement in [
            "SELECT password FROM accounts_account",
            "SELECT totp_secret FROM accounts_account",
            "SELECT session_key, session_data FROM django_session",
            # Retention reads, re-seals and ages out register records; it never adds one.
            "INSERT INTO register_capturedperson (case_id) VALUES (1)",
            "INSERT INTO register_bureauexport DEFAULT VALUES",
            "SELECT * FROM register_bureauexport",
            "SELECT * FROM accounts_accessrequest",
            "SELECT detail FROM audit_auditevent",
            "UPDATE accounts_account SET role = 'admin'",
        ]:
            with pytest.raises(REFUSED):
                conn.execute(statement)
    with raw_connection("console") as conn:
        for statement in [
            "SELECT body FROM intake_inboundenvelope",
            "SELECT * FROM floods_casemark",
            "DELETE FROM cases_case",
            "DELETE FROM accounts_account",
        ]:
            with pytest.raises(REFUSED):
                conn.execute(statement)


def test_check_passes_for_each_tier_and_fails_for_the_owner_or_extra_rights(
    settings: SettingsWrapper,
) -> None:
    settings.SAFEPASSAGE_DEMO = False
    tiers: tuple[Tier, ...] = ("intake", "worker", "console")
    for tier in tiers:
        with connected_as(tier):
            results, warnings = rights_results(tier, reachable=True)
        assert results == [(True, f"the {tier} role holds exactly the rights of `db grant`")]
        assert warnings == []
    owner, _ = rights_results("intake", reachable=True)
    assert owner[0][0] is False
    assert "the database owner" in owner[0][1]

    intake = role_name("intake")
    with connection.cursor() as cursor:
        cursor.execute(f'GRANT SELECT ON cases_case TO "{intake}"')
        cursor.execute(f'GRANT UPDATE (status) ON intake_inboundenvelope TO "{intake}"')
    try:
        with connected_as("intake"):
            results, _ = rights_results("intake", reachable=True)
        assert [ok for ok, _ in results] == [False]
        assert "SELECT ON cases_case" in results[0][1]
    finally:
        # `db grant` again takes the extra rights away (it revokes everything first).
        grant_test_roles()
    with connected_as("intake"):
        results, _ = rights_results("intake", reachable=True)
    assert [ok for ok, _ in results] == [True]
    assert InboundEnvelope.objects.count() == 0
