"""A copy of the database gives no working console session (issue 12).

Tried as a database reader would: take the stored session row, present its key as the
cookie.  And sessions are bound to the second factor they were verified with.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client

from safepassage.accounts.models import Account
from safepassage.accounts.session_store import SessionStore, stored_key
from safepassage.accounts.sessions import SECOND_FACTOR
from tests.conftest import PERSONA_PASSWORD, totp_code_for, totp_secret_for

from .helpers import force_verified_login, sign_in, totp_code

HOME = "/console/"


def test_the_console_uses_the_hashing_session_engine() -> None:
    assert settings.SESSION_ENGINE == "safepassage.accounts.session_store"


def test_a_stored_session_key_used_as_a_cookie_does_not_sign_in(
    personas: dict[str, Account],
) -> None:
    supervisor = Client()
    sign_in(supervisor, "sofia", PERSONA_PASSWORD, totp_code_for("sofia"))
    cookie = supervisor.cookies[settings.SESSION_COOKIE_NAME].value
    assert supervisor.get(HOME).status_code == 200
    stored = list(Session.objects.values_list("session_key", flat=True))
    # The cookie value is nowhere in the table; its keyed hash is.
    assert cookie not in stored
    assert stored_key(cookie) in stored
    for row_key in stored:
        thief = Client()
        thief.cookies[settings.SESSION_COOKIE_NAME] = row_key
        response = thief.get(HOME)
        assert response.status_code == 302, row_key
        assert response["Location"].startswith("/console/sign-in/")
    # The real cookie still works.
    owner = Client()
    owner.cookies[settings.SESSION_COOKIE_NAME] = cookie
    assert owner.get(HOME).status_code == 200


def test_a_row_forged_without_the_key_is_not_a_session(personas: dict[str, Account]) -> None:
    supervisor = Client()
    force_verified_login(supervisor, personas["sofia"])
    cookie = supervisor.cookies[settings.SESSION_COOKIE_NAME].value
    row = Session.objects.get(session_key=stored_key(cookie))
    # A database writer copies the row under a key of its choosing (the cookie it will
    # present), as the plain Django engine would store it.
    Session.objects.create(
        session_key="forgedcookievalue0123456789abcdef",
        session_data=row.session_data,
        expire_date=row.expire_date,
    )
    forger = Client()
    forger.cookies[settings.SESSION_COOKIE_NAME] = "forgedcookievalue0123456789abcdef"
    assert forger.get(HOME).status_code == 302


def test_signing_out_deletes_the_stored_row(personas: dict[str, Account]) -> None:
    client = Client()
    force_verified_login(client, personas["kim"])
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert SessionStore().exists(cookie)
    client.post("/console/sign-out/")
    assert not Session.objects.filter(session_key=stored_key(cookie)).exists()
    assert not SessionStore().exists(cookie)


def test_a_session_verified_with_another_second_factor_is_not_valid(
    personas: dict[str, Account],
) -> None:
    client = Client()
    sign_in(client, "kim", PERSONA_PASSWORD, totp_code(totp_secret_for("kim")))
    assert client.get(HOME).status_code == 200
    # The TOTP enrolment is replaced behind the console's back (a database writer, a
    # restore): the session made with the old factor ends, without a generation bump.
    kim = Account.objects.get(username="kim")
    Account.objects.filter(pk=kim.pk).update(totp_secret=personas["olga"].totp_secret)
    assert client.get(HOME).status_code == 302


def test_a_session_without_the_second_factor_mark_is_not_valid(
    personas: dict[str, Account],
) -> None:
    client = Client()
    force_verified_login(client, personas["kim"])
    session = client.session
    del session[SECOND_FACTOR]
    session.save()
    assert client.get(HOME).status_code == 302


def test_a_dedicated_hash_key_replaces_the_secret_key_and_ends_old_sessions(
    personas: dict[str, Account], settings: Any
) -> None:
    client = Client()
    force_verified_login(client, personas["kim"])
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    under_secret_key = stored_key(cookie)
    settings.SAFEPASSAGE_SESSION_HASH_KEY = "console-only session hash key " + "k" * 20
    assert stored_key(cookie) != under_secret_key
    # The row stored under the old key is no longer found: the session ends.
    assert client.get(HOME).status_code == 302
    force_verified_login(client, personas["kim"])
    assert client.get(HOME).status_code == 200
