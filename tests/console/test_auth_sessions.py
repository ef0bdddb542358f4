"""Console sessions: idle expiry, signing out (here and everywhere), deactivation."""

from __future__ import annotations

import time

from django.test import Client, override_settings

from safepassage.accounts import domain
from safepassage.accounts.models import Account
from safepassage.accounts.sessions import LAST_SEEN
from safepassage.audit.models import AuditEvent

from .helpers import force_verified_login

HOME = "/console/"
SIGN_IN = "/console/sign-in/"


def _age_session(client: Client, seconds: int) -> None:
    session = client.session
    session[LAST_SEEN] = int(time.time()) - seconds
    session.save()


def test_a_session_idle_for_thirty_minutes_ends(personas: dict[str, Account]) -> None:
    client = Client()
    force_verified_login(client, personas["kim"])
    _age_session(client, 31 * 60)
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"].startswith(SIGN_IN)
    page = client.get(SIGN_IN).content.decode()
    assert "signed out after a period without activity" in page
    # Ended for good, not just for one request.
    assert client.get(HOME).status_code == 302


def test_activity_keeps_a_session_alive(personas: dict[str, Account]) -> None:
    client = Client()
    force_verified_login(client, personas["kim"])
    _age_session(client, 29 * 60)
    assert client.get(HOME).status_code == 200
    assert client.session[LAST_SEEN] >= int(time.time()) - 5


@override_settings(SAFEPASSAGE_CONSOLE_IDLE_MINUTES=5)
def test_the_idle_time_is_configurable(personas: dict[str, Account]) -> None:
    client = Client()
    force_verified_login(client, personas["kim"])
    _age_session(client, 6 * 60)
    assert client.get(HOME).status_code == 302


def test_htmx_polling_does_not_count_as_activity(personas: dict[str, Account]) -> None:
    client = Client()
    force_verified_login(client, personas["kim"])
    _age_session(client, 10 * 60)
    before = client.session[LAST_SEEN]
    response = client.get(HOME, headers={"HX-Request": "true", "X-Console-Poll": "1"})
    assert response.status_code == 200
    assert client.session[LAST_SEEN] == before


def test_sign_out_ends_the_session_and_is_post_only(personas: dict[str, Account]) -> None:
    client = Client()
    force_verified_login(client, personas["kim"])
    assert client.get("/console/sign-out/").status_code == 405
    assert client.get(HOME).status_code == 200
    response = client.post("/console/sign-out/")
    assert response["Location"] == SIGN_IN
    assert client.get(HOME).status_code == 302
    assert AuditEvent.objects.filter(action="account.signed_out", object_ref="kim").exists()


def test_sign_out_everywhere_ends_every_session_of_the_account(
    personas: dict[str, Account],
) -> None:
    laptop, desktop, colleague = Client(), Client(), Client()
    force_verified_login(laptop, personas["kim"])
    force_verified_login(desktop, personas["kim"])
    force_verified_login(colleague, personas["olga"])
    response = laptop.post("/console/me/sign-out-everywhere/")
    assert response["Location"] == SIGN_IN
    assert laptop.get(HOME).status_code == 302
    assert desktop.get(HOME).status_code == 302
    assert colleague.get(HOME).status_code == 200
    assert Account.objects.get(username="kim").session_generation == 1
    assert AuditEvent.objects.filter(action="account.signed_out_everywhere").count() == 1


def test_a_fresh_sign_in_after_sign_out_everywhere_works(personas: dict[str, Account]) -> None:
    domain.sign_out_everywhere(account=personas["kim"])
    client = Client()
    force_verified_login(client, Account.objects.get(username="kim"))
    assert client.get(HOME).status_code == 200


def test_deactivating_an_account_ends_its_sessions(personas: dict[str, Account]) -> None:
    client = Client()
    force_verified_login(client, personas["kim"])
    domain.deactivate_account(by=personas["adam"], account=personas["kim"])
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"].startswith(SIGN_IN)


def test_a_django_login_without_the_second_step_is_not_enough(
    personas: dict[str, Account],
) -> None:
    client = Client()
    client.force_login(personas["sofia"])
    response = client.get("/console/audit/")
    assert response.status_code == 302
    assert response["Location"].startswith(SIGN_IN)


def test_changing_the_password_ends_other_sessions_but_keeps_this_one(
    personas: dict[str, Account],
) -> None:
    here, elsewhere = Client(), Client()
    force_verified_login(here, personas["olga"])
    force_verified_login(elsewhere, personas["olga"])
    response = here.post(
        "/console/me/password/",
        {
            "current_password": "a long test password 1",
            "new_password": "three quiet rivers at dawn",
            "repeat_password": "three quiet rivers at dawn",
        },
    )
    assert response["Location"] == HOME
    assert here.get(HOME).status_code == 200
    assert elsewhere.get(HOME).status_code == 302
    assert Account.objects.get(username="olga").check_password("three quiet rivers at dawn")


def test_a_weak_or_mistyped_new_password_is_refused_clearly(
    personas: dict[str, Account],
) -> None:
    client = Client()
    force_verified_login(client, personas["olga"])
    short = client.post(
        "/console/me/password/",
        {
            "current_password": "a long test password 1",
            "new_password": "short",
            "repeat_password": "short",
        },
    )
    assert short.status_code == 200
    assert "too short" in short.content.decode()
    mismatch = client.post(
        "/console/me/password/",
        {
            "current_password": "a long test password 1",
            "new_password": "three quiet rivers at dawn",
            "repeat_password": "three quiet rivers at dusk",
        },
    )
    assert "not the same" in mismatch.content.decode()
    wrong_current = client.post(
        "/console/me/password/",
        {
            "current_password": "not it at all",
            "new_password": "three quiet rivers at dawn",
            "repeat_password": "three quiet rivers at dawn",
        },
    )
    assert "not your current password" in wrong_current.content.decode()
    assert Account.objects.get(username="olga").check_password("a long test password 1")
