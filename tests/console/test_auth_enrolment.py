"""Enrolling with an enrolment code: the holder of a new or reset account gives both
halves of the code, chooses their own password, adds the console to their app and sees
their recovery codes once.  Nobody else ever knows the password."""

from __future__ import annotations

import re
from typing import Any

import pyotp
from django.test import Client

from safepassage.accounts import domain, totp
from safepassage.accounts.models import Account
from safepassage.audit.models import AuditEvent
from tests.conftest import PERSONA_PASSWORD

from .helpers import force_verified_login, totp_code

HOME = "/console/"
CODE_PAGE = "/console/sign-in/enrolment-code/"
ENROL = "/console/sign-in/enrol/"
OWN_PASSWORD = "plum orchard under snow"


def _approved_new_operator(personas: dict[str, Account]) -> tuple[str, str]:
    """Adam asks for an operator account, Sofia approves it: the two code halves."""
    request, first = domain.request_new_account(
        by=personas["adam"],
        username="nadia",
        display_name="Nadia",
        role="operator",
        languages=["ru"],
    )
    second = domain.approve_request(by=personas["sofia"], request=request)
    return first, second


def _give_code(client: Client, first: str, second: str, username: str = "nadia") -> Any:
    return client.post(
        CODE_PAGE, {"username": username, "first_half": first, "second_half": second}
    )


def _enrol(client: Client, first: str, second: str, username: str = "nadia") -> tuple[str, Any]:
    response = _give_code(client, first, second, username)
    assert response["Location"] == ENROL
    page = client.get(ENROL).content.decode()
    assert 'src="data:image/svg+xml' in page
    secret = totp.open_secret(Account.objects.get(username=username))
    assert secret is not None
    assert totp.group_secret(secret) in page
    response = client.post(
        ENROL,
        {
            "new_password": OWN_PASSWORD,
            "repeat_password": OWN_PASSWORD,
            "code": pyotp.TOTP(secret).now(),
        },
    )
    assert response.status_code == 200
    return secret, response


def _recovery_codes(response: Any) -> list[str]:
    return re.findall(r"<code>([0-9A-Z]{5}-[0-9A-Z]{5})</code>", response.content.decode())


def test_a_new_account_chooses_its_password_enrols_totp_and_sees_ten_codes_once(
    personas: dict[str, Account],
) -> None:
    first, second = _approved_new_operator(personas)
    client = Client()
    secret, response = _enrol(client, first, second)
    codes = _recovery_codes(response)
    assert len(set(codes)) == 10
    stored = Account.objects.get(username="nadia")
    assert stored.totp_confirmed
    assert stored.check_password(OWN_PASSWORD)
    assert not stored.must_change_password
    # Stored as Argon2 hashes, never in the clear, and the secret is sealed.
    assert all(h.startswith("$argon2id$") for h in stored.recovery_codes)
    assert not any(code in str(stored.recovery_codes) for code in codes)
    assert stored.totp_secret is not None
    assert secret.encode() not in stored.totp_secret.blob
    assert AuditEvent.objects.filter(action="account.enrolled", object_ref="nadia").exists()
    # Signed in straight away, and nothing asks to replace a password someone else chose.
    assert client.get(HOME).status_code == 200


def test_the_chosen_password_then_signs_in_with_the_app(personas: dict[str, Account]) -> None:
    first, second = _approved_new_operator(personas)
    secret, _response = _enrol(Client(), first, second)
    client = Client()
    response = client.post("/console/sign-in/", {"username": "nadia", "password": OWN_PASSWORD})
    assert response["Location"] == "/console/sign-in/code/"
    client.post("/console/sign-in/code/", {"code": totp_code(secret, steps_ahead=1)})
    assert client.get(HOME).status_code == 200


def test_reopening_enrolment_keeps_the_same_secret(personas: dict[str, Account]) -> None:
    first, second = _approved_new_operator(personas)
    client = Client()
    _give_code(client, first, second)
    first_page = client.get(ENROL).content
    second_page = client.get(ENROL).content
    pattern = rb'<code class="secret">([^<]+)</code>'
    first_match, second_match = re.search(pattern, first_page), re.search(pattern, second_page)
    assert first_match is not None
    assert second_match is not None
    assert first_match.group(1) == second_match.group(1)


def test_a_wrong_enrolment_code_or_weak_password_is_refused(
    personas: dict[str, Account],
) -> None:
    first, second = _approved_new_operator(personas)
    client = Client()
    _give_code(client, first, second)
    client.get(ENROL)
    response = client.post(
        ENROL, {"new_password": OWN_PASSWORD, "repeat_password": OWN_PASSWORD, "code": "123456"}
    )
    assert "That code is not right" in response.content.decode()
    weak = client.post(ENROL, {"new_password": "short", "repeat_password": "short", "code": "1"})
    assert weak.status_code == 200
    stored = Account.objects.get(username="nadia")
    assert not stored.totp_confirmed
    assert not stored.has_usable_password()
    assert client.get(HOME).status_code == 302


def test_wrong_halves_and_unknown_names_get_the_same_answer(
    personas: dict[str, Account],
) -> None:
    first, second = _approved_new_operator(personas)
    pages = [
        _give_code(Client(REMOTE_ADDR=f"10.8.0.{n}"), a, b, name).content.decode()
        for n, (name, a, b) in enumerate(
            [("nadia", first, first), ("nadia", second, first), ("nobody", first, second)]
        )
    ]
    for page in pages:
        assert "enrolment code is not right" in page
        assert first not in page
        assert second not in page


def test_the_enrol_page_needs_a_code_not_a_password(personas: dict[str, Account]) -> None:
    client = Client()
    client.post("/console/sign-in/", {"username": "kim", "password": PERSONA_PASSWORD})
    response = client.get(ENROL)
    assert response["Location"] == CODE_PAGE


def test_an_account_without_a_second_factor_cannot_enrol_with_its_password_alone(
    personas: dict[str, Account],
) -> None:
    Account.objects.create_account("legacy", PERSONA_PASSWORD, role="supervisor")
    client = Client()
    response = client.post(
        "/console/sign-in/", {"username": "legacy", "password": PERSONA_PASSWORD}
    )
    assert response["Location"] == CODE_PAGE
    assert client.get(ENROL)["Location"] == CODE_PAGE
    assert client.get(HOME).status_code == 302


def test_after_an_approved_reset_the_person_enrols_again(personas: dict[str, Account]) -> None:
    kim = personas["kim"]
    session_client = Client()
    force_verified_login(session_client, kim)
    request, first = domain.request_sign_in_reset(by=personas["adam"], account=kim)
    assert session_client.get(HOME).status_code == 200
    second = domain.approve_request(by=personas["sofia"], request=request)
    assert session_client.get(HOME).status_code == 302
    old_password = Client().post(
        "/console/sign-in/", {"username": "kim", "password": PERSONA_PASSWORD}
    )
    assert "not right" in old_password.content.decode()
    _secret, response = _enrol(Client(), first, second, username="kim")
    assert len(_recovery_codes(response)) == 10


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
