"""Register endpoints: statuses by reference and date range with cursor pagination,
identities and signed batches for the export scope, never the wish at repatriation."""

from __future__ import annotations

import base64
import json

import pytest

from safepassage.accounts.models import Account
from safepassage.audit.models import AuditEvent
from safepassage.register.domain import approve_bureau_export, prepare_bureau_export, record_wish
from safepassage.register.domain.signing import programme_verify_key, verify_bureau_export
from safepassage.register.models import CapturedPerson

from ..register.support import days_ago, log, registered
from .support import call, make_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(personas: dict[str, Account]) -> list[CapturedPerson]:
    roman = personas["roman"]
    made = []
    for age in (40, 30, 20):
        record = registered(personas["kim"], roman, captured_days_ago=age)
        log(record, roman, "arrival", days_ago(age - 2), place="Табір № 1", prisoner_number="0173")
        record_wish(record, by=roman, wish="not_exchanged", stated_on=days_ago(age - 3))
        record.refresh_from_db()
        made.append(record)
    return made


def test_records_page_by_cursor_and_filter_by_capture_date(
    personas: dict[str, Account], records: list[CapturedPerson]
) -> None:
    _client, token = make_client(personas["adam"], "register:read")
    first = call("GET", "/api/v1/register/persons?limit=2", token).json()
    assert [p["number"] for p in first["items"]] == [r.number for r in records[:2]]
    assert first["items"][0]["welfare"]["events"] == 1
    assert first["items"][0]["capture_card"]["status"] in {"due", "issued", "sent"}
    rest = call("GET", f"/api/v1/register/persons?limit=2&cursor={first['next_cursor']}", token)
    assert [p["number"] for p in rest.json()["items"]] == [records[2].number]
    assert rest.json()["next_cursor"] is None
    window = f"captured_from={days_ago(35).isoformat()}&captured_to={days_ago(25).isoformat()}"
    ranged = call("GET", f"/api/v1/register/persons?{window}", token).json()
    assert [p["number"] for p in ranged["items"]] == [records[1].number]
    one = call("GET", f"/api/v1/register/persons/{records[0].number}", token)
    assert one.json()["capture_date"] == days_ago(40).isoformat()
    assert call("GET", "/api/v1/register/persons/R-XXXX-XXXX", token).json()["code"] == "not_found"
    bad = call("GET", "/api/v1/register/persons?cursor=forged", token)
    assert (bad.status_code, bad.json()["code"]) == (422, "invalid_cursor")


def test_statuses_carry_no_identity_and_identities_need_the_export_scope(
    personas: dict[str, Account], records: list[CapturedPerson]
) -> None:
    _reader, read_token = make_client(personas["adam"], "register:read")
    _exporter, export_token = make_client(personas["adam"], "register:export")
    number = records[0].number
    status = call("GET", f"/api/v1/register/persons/{number}", read_token).content.decode()
    assert "Табір" not in status
    assert "0173" not in status
    path = f"/api/v1/register/persons/{number}/identity"
    assert call("GET", path, read_token).status_code == 403
    identity = call("GET", path, export_token)
    assert identity.status_code == 200
    assert identity.json()["details"]["surname"]
    event = AuditEvent.objects.filter(action="api.call").last()
    assert event is not None
    assert event.detail["status"] == 200


def test_signed_batches_verify_and_nothing_carries_the_wish(
    personas: dict[str, Account], records: list[CapturedPerson]
) -> None:
    batch = approve_bureau_export(prepare_bureau_export(by=personas["roman"]), by=personas["sofia"])
    _exporter, token = make_client(personas["adam"], "register:export", "register:read")
    listed = call("GET", "/api/v1/register/bureau-batches", token).json()
    assert [b["number"] for b in listed] == [batch.number]
    signed = call("GET", f"/api/v1/register/bureau-batches/{batch.number}", token).json()
    payload = signed["payload"].encode("utf-8")
    assert verify_bureau_export(
        payload, base64.b64decode(signed["signature"]), programme_verify_key()
    )
    assert json.loads(payload)  # the exact JSON file the supervisor approved
    everything = [
        call("GET", "/api/v1/register/persons", token).content,
        call("GET", f"/api/v1/register/persons/{records[0].number}/identity", token).content,
        call("GET", f"/api/v1/register/bureau-batches/{batch.number}", token).content,
    ]
    for body in everything:
        assert b"not_exchanged" not in body
        assert b"wish" not in body.lower()
