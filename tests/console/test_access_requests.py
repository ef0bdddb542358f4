"""The access-requests pages: a grant asked for by one admin, approved by a second
person, and the new holder enrolling with both code halves (issue 12)."""

from __future__ import annotations

import re

import pyotp
from django.test import Client

from safepassage.accounts import totp
from safepassage.accounts.models import AccessRequest, Account
from safepassage.audit.models import AuditEvent
from tests.accounts.helpers import extra_account

from .helpers import force_verified_login

REQUESTS = "/console/accounts/requests/"


def _client(account: Account) -> Client:
    client = Client()
    force_verified_login(client, account)
    return client


def _half(page: str) -> str:
    match = re.search(r'<code id="code-half">([^<]+)</code>', page)
    assert match is not None
    return match.group(1)


def test_an_operator_account_from_request_to_first_sign_in(
    personas: dict[str, Account],
) -> None:
    adam, sofia = _client(personas["adam"]), _client(personas["sofia"])
    first = _half(
        adam.post(
            "/console/accounts/new/",
            {"username": "nadia", "display_name": "Nadia", "role": "operator", "languages": ["ru"]},
        ).content.decode()
    )
    [request] = AccessRequest.objects.all()
    # The supervisor is told, and may decide; the requester may only withdraw.
    assert "1 access request waits for your decision" in sofia.get("/console/").content.decode()
    sofia_page = sofia.get(REQUESTS).content.decode()
    assert f"/console/accounts/requests/{request.pk}/approve/" in sofia_page
    adam_page = adam.get(REQUESTS).content.decode()
    assert f"/console/accounts/requests/{request.pk}/approve/" not in adam_page
    assert "Withdraw" in adam_page
    refused = adam.post(f"/console/accounts/requests/{request.pk}/approve/", follow=True)
    assert "You may not decide this request" in refused.content.decode()
    assert not Account.objects.filter(username="nadia").exists()
    second = _half(sofia.post(f"/console/accounts/requests/{request.pk}/approve/").content.decode())
    assert Account.objects.filter(username="nadia", role="operator").exists()
    # The holder enrols with both halves and chooses the password.
    holder = Client()
    response = holder.post(
        "/console/sign-in/enrolment-code/",
        {"username": "nadia", "first_half": first, "second_half": second},
    )
    assert response["Location"] == "/console/sign-in/enrol/"
    holder.get("/console/sign-in/enrol/")
    secret = totp.open_secret(Account.objects.get(username="nadia"))
    assert secret is not None
    holder.post(
        "/console/sign-in/enrol/",
        {
            "new_password": "amber lantern by the river",
            "repeat_password": "amber lantern by the river",
            "code": pyotp.TOTP(secret).now(),
        },
    )
    assert holder.get("/console/").status_code == 200
    decided = sofia.get(REQUESTS).content.decode()
    assert 'id="decided-requests"' in decided
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"access.requested", "access.approved", "account.created", "account.enrolled"} <= actions


def test_a_supervisor_grant_waits_for_another_admin(personas: dict[str, Account]) -> None:
    adam, sofia = _client(personas["adam"]), _client(personas["sofia"])
    adam.post(
        "/console/accounts/new/",
        {"username": "sam", "display_name": "", "role": "supervisor", "languages": ["ru"]},
    )
    [request] = AccessRequest.objects.all()
    page = sofia.get(REQUESTS).content.decode()
    assert "Another admin decides." in page
    sofia.post(f"/console/accounts/requests/{request.pk}/approve/")
    sofia.post(f"/console/accounts/requests/{request.pk}/refuse/")
    assert not Account.objects.filter(username="sam").exists()
    request.refresh_from_db()
    assert request.status == AccessRequest.Status.PENDING
    alma = _client(extra_account("alma", "admin", ["en"]))
    assert "1 access request waits for your decision" in alma.get("/console/").content.decode()
    _half(alma.post(f"/console/accounts/requests/{request.pk}/approve/").content.decode())
    assert Account.objects.filter(username="sam", role="supervisor").exists()


def test_operators_registrars_and_analysts_cannot_open_the_requests(
    personas: dict[str, Account],
) -> None:
    for name in ("kim", "roman", "anna"):
        assert _client(personas[name]).get(REQUESTS).status_code == 403


def test_the_requests_and_enrolment_pages_speak_ukrainian(personas: dict[str, Account]) -> None:
    sofia = _client(personas["sofia"])
    sofia.cookies["sp_console_lang"] = "uk"
    page = sofia.get(REQUESTS).content.decode()
    assert "Запити на доступ" in page
    assert "Нічого не чекає." in page
    anonymous = Client()
    anonymous.cookies["sp_console_lang"] = "uk"
    enrol_page = anonymous.get("/console/sign-in/enrolment-code/").content.decode()
    assert "Перша половина коду реєстрації" in enrol_page
