"""Signing in through the real pages: password, then TOTP or a recovery code."""

from __future__ import annotations

import re
import time
from typing import Any

import pyotp
import pytest
from django.test import Client, override_settings

from safepassage.accounts import domain
from safepassage.accounts.models import Account, SignInFailure
from safepassage.audit.models import AuditEvent
from tests.conftest import PERSONA_PASSWORD, totp_code_for, totp_secret_for

from .helpers import sign_in, totp_code

SIGN_IN = "/console/sign-in/"
CODE = "/console/sign-in/code/"
HOME = "/console/"


def _post_password(client: Client, username: str, password: str) -> Any:
    return client.post(SIGN_IN, {"username": username, "password": password})


def _wrong_code(name: str) -> str:
    """A six-digit code that is valid at no step near now."""
    totp = pyotp.TOTP(totp_secret_for(name))
    now = time.time()
    near = {totp.at(now + 30 * k) for k in range(-2, 3)}
    candidate = 123456
    while f"{candidate:06d}" in near:
        candidate += 1
    return f"{candidate:06d}"


def test_persona_signs_in_with_password_then_totp(personas: dict[str, Account]) -> None:
    client = Client()
    sign_in(client, "kim", PERSONA_PASSWORD, totp_code_for("kim"))
    response = client.get(HOME)
    assert response.status_code == 200
    assert b"kim" in response.content
    event = AuditEvent.objects.filter(action="account.signed_in").get()
    assert event.object_ref == "kim"
    assert event.detail["method"] == "totp"


def test_account_name_is_not_case_sensitive(personas: dict[str, Account]) -> None:
    client = Client()
    sign_in(client, "  Kim ", PERSONA_PASSWORD, totp_code_for("kim"))
    assert client.get(HOME).status_code == 200


def test_password_step_alone_does_not_open_the_console(personas: dict[str, Account]) -> None:
    client = Client()
    response = _post_password(client, "kim", PERSONA_PASSWORD)
    assert response["Location"] == CODE
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"].startswith(SIGN_IN)


def test_code_page_without_a_password_step_starts_again(personas: dict[str, Account]) -> None:
    client = Client()
    response = client.post(CODE, {"code": totp_code_for("kim")})
    assert response.status_code == 302
    assert response["Location"] == SIGN_IN
    assert client.get(HOME).status_code == 302


def test_half_finished_sign_in_expires_after_five_minutes(personas: dict[str, Account]) -> None:
    client = Client()
    _post_password(client, "kim", PERSONA_PASSWORD)
    session = client.session
    session["console_pending"]["at"] -= 6 * 60
    session.save()
    response = client.post(CODE, {"code": totp_code_for("kim")})
    assert response["Location"] == SIGN_IN
    page = client.get(SIGN_IN)
    assert "took too long" in page.content.decode()
    assert client.get(HOME).status_code == 302


def _normalised_page(content: bytes, username: str) -> str:
    text = content.decode()
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)
    text = re.sub(r'"X-CSRFToken": "[^"]+"', "", text)
    return text.replace(username, "USERNAME")


def test_unknown_account_wrong_password_and_deactivated_account_look_the_same(
    personas: dict[str, Account],
) -> None:
    admin = personas["adam"]
    domain.deactivate_account(by=admin, account=personas["olga"])
    unknown = _post_password(Client(), "nobody", "whatever password 1")
    wrong = _post_password(Client(), "kim", "not the password at all")
    inactive = _post_password(Client(), "olga", PERSONA_PASSWORD)
    pages = {
        _normalised_page(r.content, name)
        for r, name in ((unknown, "nobody"), (wrong, "kim"), (inactive, "olga"))
    }
    assert {unknown.status_code, wrong.status_code, inactive.status_code} == {200}
    assert len(pages) == 1
    assert "The account name or the password is not right." in pages.pop()


def test_password_is_never_sent_back_into_the_form(personas: dict[str, Account]) -> None:
    response = _post_password(Client(), "kim", "my secret guess 123")
    assert b"my secret guess 123" not in response.content


def test_wrong_totp_code_is_refused_with_a_clear_message(personas: dict[str, Account]) -> None:
    client = Client()
    _post_password(client, "kim", PERSONA_PASSWORD)
    response = client.post(CODE, {"code": _wrong_code("kim")})
    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert client.get(HOME).status_code == 302
    failed = AuditEvent.objects.filter(action="account.sign_in_failed").get()
    assert failed.detail == {"step": "code"}


def test_a_totp_code_works_only_once(personas: dict[str, Account]) -> None:
    code = totp_code_for("kim")
    first = Client()
    sign_in(first, "kim", PERSONA_PASSWORD, code)
    second = Client()
    _post_password(second, "kim", PERSONA_PASSWORD)
    response = second.post(CODE, {"code": code})
    assert response.status_code == 200
    assert second.get(HOME).status_code == 302
    # The next code (one step of drift allowed) still works.
    sign_in(second, "kim", PERSONA_PASSWORD, totp_code(totp_secret_for("kim"), steps_ahead=1))
    assert second.get(HOME).status_code == 200


def test_a_recovery_code_signs_in_once(personas: dict[str, Account]) -> None:
    codes = domain.regenerate_recovery_codes(account=personas["olga"])
    client = Client()
    sign_in(client, "olga", PERSONA_PASSWORD, codes[3].lower().replace("-", " "))
    assert client.get(HOME).status_code == 200
    olga = Account.objects.get(username="olga")
    assert len(olga.recovery_codes) == 9
    again = Client()
    _post_password(again, "olga", PERSONA_PASSWORD)
    response = again.post(CODE, {"code": codes[3]})
    assert "That code is not right" in response.content.decode()
    event = AuditEvent.objects.filter(action="account.signed_in").get()
    assert event.detail == {"method": "recovery", "recovery_codes_left": 9}


@override_settings(SAFEPASSAGE_SIGNIN_ACCOUNT_LIMIT=5)
def test_failed_sign_ins_from_many_addresses_reach_the_account_limit(
    personas: dict[str, Account],
) -> None:
    for attempt in range(5):
        response = _post_password(Client(REMOTE_ADDR=f"10.0.0.{attempt}"), "kim", "wrong " * 3)
        assert "not right" in response.content.decode()
    # Even the right password is not checked now, from a fresh address.
    response = _post_password(Client(REMOTE_ADDR="10.0.1.1"), "kim", PERSONA_PASSWORD)
    assert response.status_code == 200
    assert "Too many attempts" in response.content.decode()
    # Another account is not affected.
    sign_in(Client(REMOTE_ADDR="10.0.1.1"), "olga", PERSONA_PASSWORD, totp_code_for("olga"))


@override_settings(SAFEPASSAGE_SIGNIN_ACCOUNT_LIMIT=5)
def test_an_unknown_account_name_is_throttled_like_a_real_one(
    personas: dict[str, Account],
) -> None:
    for attempt in range(5):
        _post_password(Client(REMOTE_ADDR=f"10.0.0.{attempt}"), "ghost", "wrong " * 3)
    response = _post_password(Client(REMOTE_ADDR="10.0.1.1"), "ghost", "wrong " * 3)
    assert "Too many attempts" in response.content.decode()


def test_failed_sign_ins_are_throttled_per_address(personas: dict[str, Account]) -> None:
    for attempt in range(20):
        _post_password(Client(REMOTE_ADDR="10.9.9.9"), f"guess{attempt}", "wrong " * 3)
    response = _post_password(Client(REMOTE_ADDR="10.9.9.9"), "kim", PERSONA_PASSWORD)
    assert "Too many attempts" in response.content.decode()
    sign_in(Client(REMOTE_ADDR="10.9.9.10"), "kim", PERSONA_PASSWORD, totp_code_for("kim"))


def test_wrong_codes_count_towards_the_throttle(personas: dict[str, Account]) -> None:
    client = Client()
    _post_password(client, "kim", PERSONA_PASSWORD)
    for _ in range(5):
        client.post(CODE, {"code": _wrong_code("kim")})
    response = client.post(CODE, {"code": totp_code_for("kim")}, follow=True)
    assert "Too many attempts" in response.content.decode()
    assert client.get(HOME).status_code == 302


def test_throttle_rows_hold_no_account_name_or_address(personas: dict[str, Account]) -> None:
    _post_password(Client(REMOTE_ADDR="10.7.7.7"), "kim", "wrong " * 3)
    keys = list(SignInFailure.objects.values_list("key", flat=True))
    assert len(keys) == 2
    assert all(re.fullmatch(r"[0-9a-f]{64}", key) for key in keys)


@override_settings(SAFEPASSAGE_SIGNIN_ACCOUNT_LIMIT=5)
def test_successful_sign_in_clears_the_account_failures(personas: dict[str, Account]) -> None:
    for attempt in range(4):
        _post_password(Client(REMOTE_ADDR=f"10.2.2.{attempt}"), "kim", "wrong " * 3)
    sign_in(Client(), "kim", PERSONA_PASSWORD, totp_code_for("kim"))
    for attempt in range(4):
        _post_password(Client(REMOTE_ADDR=f"10.3.3.{attempt}"), "kim", "wrong " * 3)
    code = totp_code(totp_secret_for("kim"), steps_ahead=1)
    sign_in(Client(REMOTE_ADDR="10.3.3.9"), "kim", PERSONA_PASSWORD, code)


@pytest.mark.parametrize(
    ("next_path", "lands_on"),
    [
        ("/console/audit/", "/console/audit/"),
        ("https://elsewhere.example/console/", "/console/"),
        ("//elsewhere.example/console/", "/console/"),
        ("/", "/console/"),
    ],
)
def test_after_sign_in_only_console_paths_are_followed(
    personas: dict[str, Account], next_path: str, lands_on: str
) -> None:
    client = Client()
    _post_password_with_next = client.post(
        SIGN_IN + "?next=" + next_path, {"username": "sofia", "password": PERSONA_PASSWORD}
    )
    assert _post_password_with_next["Location"] == CODE
    response = client.post(CODE, {"code": totp_code_for("sofia")})
    assert response["Location"] == lands_on


def test_anonymous_request_is_redirected_with_the_path_only(personas: dict[str, Account]) -> None:
    response = Client().get("/console/audit/?actor=kim")
    assert response["Location"] == "/console/sign-in/?next=%2Fconsole%2Faudit%2F"


def test_anonymous_htmx_request_is_told_to_load_the_sign_in_page() -> None:
    response = Client().get("/console/", headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response["HX-Redirect"].startswith(SIGN_IN)
    assert response.content == b""
