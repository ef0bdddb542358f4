"""First sign-in of a new account: TOTP enrolment with a QR code, recovery codes shown
once, then the person's own password."""

from __future__ import annotations

import re

import pyotp
from django.test import Client

from safepassage.accounts import domain, totp
from safepassage.accounts.models import Account
from safepassage.audit.models import AuditEvent

from .helpers import force_verified_login, totp_code

HOME = "/console/"


def _new_operator(admin: Account) -> tuple[Account, str]:
    return domain.create_account(
        by=admin, username="nadia", display_name="Nadia", role="operator", languages=["ru"]
    )


def _enrol(client: Client, account: Account, password: str) -> tuple[str, list[str]]:
    response = client.post("/console/sign-in/", {"username": "nadia", "password": password})
    assert response["Location"] == "/console/sign-in/enrol/"
    page = client.get("/console/sign-in/enrol/").content.decode()
    assert 'src="data:image/svg+xml' in page
    secret = totp.open_secret(Account.objects.get(pk=account.pk))
    assert secret is not None
    assert totp.group_secret(secret) in page
    response = client.post("/console/sign-in/enrol/", {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 200
    codes = re.findall(r"<code>([0-9A-Z]{5}-[0-9A-Z]{5})</code>", response.content.decode())
    return secret, codes


def test_new_account_enrols_totp_and_sees_ten_recovery_codes_once(
    personas: dict[str, Account],
) -> None:
    account, password = _new_operator(personas["adam"])
    client = Client()
    secret, codes = _enrol(client, account, password)
    assert len(codes) == 10
    assert len(set(codes)) == 10
    stored = Account.objects.get(pk=account.pk)
    assert stored.totp_confirmed
    assert len(stored.recovery_codes) == 10
    # Stored as Argon2 hashes, never in the clear, and the secret is sealed.
    assert all(h.startswith("$argon2id$") for h in stored.recovery_codes)
    assert not any(code in str(stored.recovery_codes) for code in codes)
    assert stored.totp_secret is not None
    assert secret.encode() not in stored.totp_secret.blob
    assert AuditEvent.objects.filter(action="account.totp_enrolled", object_ref="nadia").exists()


def test_reopening_enrolment_keeps_the_same_secret(personas: dict[str, Account]) -> None:
    _account, password = _new_operator(personas["adam"])
    client = Client()
    client.post("/console/sign-in/", {"username": "nadia", "password": password})
    first = client.get("/console/sign-in/enrol/").content
    second = client.get("/console/sign-in/enrol/").content
    pattern = rb'<code class="secret">([^<]+)</code>'
    first_match, second_match = re.search(pattern, first), re.search(pattern, second)
    assert first_match is not None
    assert second_match is not None
    assert first_match.group(1) == second_match.group(1)


def test_a_wrong_enrolment_code_is_refused(personas: dict[str, Account]) -> None:
    account, password = _new_operator(personas["adam"])
    client = Client()
    client.post("/console/sign-in/", {"username": "nadia", "password": password})
    client.get("/console/sign-in/enrol/")
    response = client.post("/console/sign-in/enrol/", {"code": "12345"})
    assert "That code is not right" in response.content.decode()
    assert not Account.objects.get(pk=account.pk).totp_confirmed
    assert client.get(HOME).status_code == 302


def test_an_enrolled_account_cannot_be_re_enrolled_by_password_alone(
    personas: dict[str, Account],
) -> None:
    client = Client()
    client.post("/console/sign-in/", {"username": "kim", "password": "a long test password 1"})
    response = client.get("/console/sign-in/enrol/")
    assert response["Location"] == "/console/sign-in/code/"


def test_a_new_account_must_choose_its_own_password_before_anything_else(
    personas: dict[str, Account],
) -> None:
    account, password = _new_operator(personas["adam"])
    client = Client()
    _enrol(client, account, password)
    response = client.get(HOME)
    assert response["Location"] == "/console/me/password/"
    page = client.get("/console/me/password/").content.decode()
    assert "Choose your own before you continue" in page
    response = client.post(
        "/console/me/password/",
        {
            "current_password": password,
            "new_password": "plum orchard under snow",
            "repeat_password": "plum orchard under snow",
        },
    )
    assert response["Location"] == HOME
    assert client.get(HOME).status_code == 200


def test_after_a_totp_reset_the_person_enrols_again(personas: dict[str, Account]) -> None:
    kim = personas["kim"]
    session_client = Client()
    force_verified_login(session_client, kim)
    domain.reset_totp(by=personas["adam"], account=kim)
    assert session_client.get(HOME).status_code == 302
    client = Client()
    response = client.post(
        "/console/sign-in/", {"username": "kim", "password": "a long test password 1"}
    )
    assert response["Location"] == "/console/sign-in/enrol/"


def test_new_recovery_codes_need_a_current_app_code(personas: dict[str, Account]) -> None:
    from tests.conftest import totp_secret_for

    olga = personas["olga"]
    old = domain.regenerate_recovery_codes(account=olga)
    client = Client()
    force_verified_login(client, olga)
    refused = client.post("/console/me/recovery-codes/", {"code": old[0]})
    assert refused["Location"] == "/console/me/"
    # A recovery code is not accepted here, and is not used up by trying.
    assert len(Account.objects.get(pk=olga.pk).recovery_codes) == 10
    response = client.post(
        "/console/me/recovery-codes/", {"code": totp_code(totp_secret_for("olga"))}
    )
    new = re.findall(r"<code>([0-9A-Z]{5}-[0-9A-Z]{5})</code>", response.content.decode())
    assert len(new) == 10
    assert not set(new) & set(old)
