"""Helpers of the API tests: clients of each scope, calls with a bearer token."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

from django.test import Client

from safepassage.accounts.models import Account
from safepassage.apiclients.domain import ClientSpec, approve_client, create_client
from safepassage.apiclients.models import ApiClient

ALL_SCOPES = ("register:read", "register:export", "stats:read", "intake:write")


def second_admin() -> Account:
    """Another admin (the two-person rule needs one besides ``adam``)."""
    existing = Account.objects.filter(username="ada").first()
    if existing is not None:
        return existing
    return Account.objects.create_account("ada", "a long test password 2", role="admin")


def make_client(
    creator: Account,
    *scopes: str,
    name: str = "",
    approve: bool = True,
    networks: list[str] | None = None,
    rate: int = 1000,
    campaign: str = "",
) -> tuple[ApiClient, str]:
    """A client with ``scopes`` (approved by a second admin unless ``approve=False``)."""
    spec = ClientSpec(
        name=name or "-".join(s.replace(":", "-") for s in scopes),
        scopes=list(scopes),
        expires_on=dt.date.today() + dt.timedelta(days=30),
        allowed_networks=networks or [],
        rate_limit_per_minute=rate,
        campaign_code=campaign,
    )
    client, token = create_client(by=creator, spec=spec)
    if approve:
        client = approve_client(client, by=second_admin())
    return client, token


def call(
    method: str,
    path: str,
    token: str | None,
    *,
    body: Mapping[str, Any] | None = None,
    headers: dict[str, str] | None = None,
    address: str = "127.0.0.1",
) -> Any:
    """One API call through Django's test client; returns the response."""
    extra: dict[str, Any] = {"REMOTE_ADDR": address}
    if token is not None:
        extra["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    for key, value in (headers or {}).items():
        extra["HTTP_" + key.upper().replace("-", "_")] = value
    client = Client()
    if method == "GET":
        return client.get(path, **extra)
    return client.post(
        path,
        data=json.dumps(body or {}),
        content_type="application/json",
        **extra,
    )
