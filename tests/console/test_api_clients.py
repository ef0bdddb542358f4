"""Admin pages of API clients: create (token shown once), approval by a second admin, revoke."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse

from safepassage.accounts.models import Account
from safepassage.apiclients.models import ApiClient
from safepassage.audit.models import AuditEvent

from .helpers import force_verified_login

pytestmark = pytest.mark.django_db


def _as(account: Account) -> Client:
    client = Client()
    force_verified_login(client, account)
    return client


def _stats(token: str) -> int:
    response = Client().get("/api/v1/stats/totals", HTTP_AUTHORIZATION=f"Bearer {token}")
    return int(response.status_code)


def test_an_admin_creates_a_second_approves_and_any_revokes(personas: dict[str, Account]) -> None:
    adam = personas["adam"]
    ada = Account.objects.create_account("ada", "a long test password 2", role="admin")
    page = _as(adam).post(
        reverse("console:api-client-create"),
        {
            "name": "Press office",
            "scopes": ["stats:read"],
            "expires_on": "2099-01-01",
            "allowed_networks": "",
            "rate_limit_per_minute": "30",
            "campaign_code": "",
        },
    )
    # A year at most: 2099 is refused with a message, nothing is created.
    assert "within a year" in page.content.decode()
    assert not ApiClient.objects.exists()
    expiry = (dt.date.today() + dt.timedelta(days=60)).isoformat()
    page = _as(adam).post(
        reverse("console:api-client-create"),
        {
            "name": "Press office",
            "scopes": ["stats:read"],
            "expires_on": expiry,
            "allowed_networks": "127.0.0.1\n10.0.0.0/8",
            "rate_limit_per_minute": "30",
        },
    )
    match = re.search(r'<code id="api-token">(sp_[^<]+)</code>', page.content.decode())
    assert match is not None
    token = match.group(1)
    client = ApiClient.objects.get()
    assert client.allowed_networks == ["127.0.0.1/32", "10.0.0.0/8"]
    assert token not in _as(adam).get(reverse("console:api-clients")).content.decode()
    assert _stats(token) == 401  # not approved yet

    # The creator sees no approve button and cannot approve by posting.
    listing = _as(adam).get(reverse("console:api-clients")).content.decode()
    approve_url = reverse("console:api-client-approve", args=[client.pk])
    assert approve_url not in listing
    _as(adam).post(approve_url)
    assert ApiClient.objects.get().status == "pending"
    assert approve_url in _as(ada).get(reverse("console:api-clients")).content.decode()
    _as(ada).post(approve_url)
    assert ApiClient.objects.get().status == "approved"
    assert _stats(token) == 200

    _as(adam).post(reverse("console:api-client-revoke", args=[client.pk]))
    assert _stats(token) == 401
    actions = list(
        AuditEvent.objects.filter(object_type="api_client").values_list("action", "actor_label")
    )
    assert ("api.client_created", "adam") in actions
    assert ("api.client_approved", "ada") in actions
    assert ("api.client_revoked", "adam") in actions


def test_the_pages_are_for_admins_only(personas: dict[str, Account]) -> None:
    for name in ("sofia", "roman", "anna", "kim"):
        response = _as(personas[name]).get(reverse("console:api-clients"))
        assert response.status_code == 403
