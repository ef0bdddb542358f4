"""Tokens: scopes are boundaries; unapproved, refused, revoked, expired tokens get 401."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from safepassage.accounts.models import Account
from safepassage.apiclients.domain import refuse_client, revoke_client
from safepassage.apiclients.models import ApiClient
from safepassage.audit.models import AuditEvent

from .support import ALL_SCOPES, call, make_client, second_admin

pytestmark = pytest.mark.django_db

# One representative operation per scope.
ENDPOINT = {
    "register:read": ("GET", "/api/v1/register/persons"),
    "register:export": ("GET", "/api/v1/register/bureau-batches"),
    "stats:read": ("GET", "/api/v1/stats/totals"),
    "intake:write": ("POST", "/api/v1/intake"),
}
INTAKE = {"language": "ru", "channel": "hotline", "message": "Хочу сдаться"}


def _call(scope: str, token: str | None, **kwargs: Any) -> Any:
    method, path = ENDPOINT[scope]
    if method == "POST":
        return call(method, path, token, body=INTAKE, headers={"Idempotency-Key": "key-00000001"})
    return call(method, path, token, **kwargs)


@pytest.mark.parametrize("scope", ALL_SCOPES)
def test_a_token_reaches_its_scope_and_no_other(personas: dict[str, Account], scope: str) -> None:
    _client, token = make_client(personas["adam"], scope)
    for other in ALL_SCOPES:
        response = _call(other, token)
        if other == scope:
            assert response.status_code in {200, 202}, response.content
        else:
            assert response.status_code == 403
            assert response["Content-Type"] == "application/problem+json"
            assert response.json()["code"] == "scope_missing"


def _code(response: Any) -> tuple[int, str]:
    return response.status_code, response.json()["code"]


def test_unapproved_refused_revoked_and_expired_tokens_get_401(
    personas: dict[str, Account],
) -> None:
    adam = personas["adam"]
    _pending, pending_token = make_client(adam, "stats:read", name="pending", approve=False)
    assert _code(_call("stats:read", pending_token)) == (401, "invalid_token")
    refused, refused_token = make_client(adam, "stats:read", name="refused", approve=False)
    refuse_client(refused, by=second_admin())
    assert _code(_call("stats:read", refused_token)) == (401, "invalid_token")
    revoked, revoked_token = make_client(adam, "stats:read", name="revoked")
    assert _call("stats:read", revoked_token).status_code == 200
    revoke_client(revoked, by=adam)
    assert _code(_call("stats:read", revoked_token)) == (401, "invalid_token")
    expired, expired_token = make_client(adam, "stats:read", name="expired")
    ApiClient.objects.filter(pk=expired.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert _code(_call("stats:read", expired_token)) == (401, "invalid_token")


def test_missing_malformed_and_forged_tokens_get_401(personas: dict[str, Account]) -> None:
    _client, token = make_client(personas["adam"], "stats:read")
    assert _code(_call("stats:read", None)) == (401, "missing_token")
    assert _code(_call("stats:read", "not-a-token")) == (401, "invalid_token")
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    response = _call("stats:read", forged)
    assert _code(response) == (401, "invalid_token")
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_the_creator_cannot_approve_their_own_client(personas: dict[str, Account]) -> None:
    from safepassage.apiclients.domain import approve_client

    client, _token = make_client(personas["adam"], "stats:read", approve=False)
    with pytest.raises(PermissionError):
        approve_client(client, by=personas["adam"])
    with pytest.raises(PermissionError):
        approve_client(client, by=personas["sofia"])  # a supervisor: not for API clients


def test_the_address_allow_list_is_enforced(personas: dict[str, Account]) -> None:
    _client, token = make_client(personas["adam"], "stats:read", networks=["10.1.0.0/16"])
    assert _call("stats:read", token, address="10.1.2.3").status_code == 200
    assert _code(_call("stats:read", token, address="192.0.2.1")) == (403, "address_not_allowed")


def test_the_rate_limit_answers_429_past_the_limit(personas: dict[str, Account]) -> None:
    _client, token = make_client(personas["adam"], "stats:read", rate=3)
    statuses = [_call("stats:read", token).status_code for _ in range(4)]
    assert statuses[:3] == [200, 200, 200]
    response = _call("stats:read", token)
    assert _code(response) == (429, "rate_limited")
    assert response["Retry-After"] == "60"


def test_every_call_is_audited_with_the_name_and_no_secret(personas: dict[str, Account]) -> None:
    client, token = make_client(personas["adam"], "stats:read", name="press-office")
    _call("stats:read", token)
    _call("register:read", token)  # refused: audited too
    calls = list(AuditEvent.objects.filter(action="api.call").order_by("id"))
    assert [(e.object_ref, e.detail["status"]) for e in calls] == [
        ("press-office", 200),
        ("press-office", 403),
    ]
    assert calls[0].detail["operation"] == "GET api/v1/stats/totals"
    secret = token.split("_", 2)[2]
    with connection.cursor() as cursor:
        for table in ("audit_auditevent", "apiclients_apiclient"):
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - fixed table names
            assert secret not in repr(cursor.fetchall())
    assert client.secret_hash not in token
