"""Lockout without denial of service (issue 14), tried as an outsider would.

An attacker who knows an account name hammers it from one address: the attacker is
slowed to a trickle, the owner still signs in from their own address, and when guesses
come from many addresses the account-wide count alerts supervisors on their pages.
"""

from __future__ import annotations

from typing import Any

from django.test import Client, override_settings

from safepassage.accounts.models import Account
from safepassage.audit.models import AuditEvent
from tests.conftest import PERSONA_PASSWORD, totp_code_for

from .helpers import force_verified_login, sign_in

SIGN_IN = "/console/sign-in/"
ATTACKER = "203.0.113.66"


WRONG = "guess guess guess"


def _guess(address: str, password: str = WRONG) -> Any:
    return Client(REMOTE_ADDR=address).post(SIGN_IN, {"username": "kim", "password": password})


# The default backoff starts at one second, which a slow test machine's own hashing
# time can outlast; a minute makes "refused unchecked" certain here.  The default
# schedule itself is pinned in tests/accounts/test_throttle.py.
@override_settings(SAFEPASSAGE_SIGNIN_BACKOFF_BASE_SECONDS=60)
def test_an_attacker_hammering_an_account_does_not_lock_its_owner_out(
    personas: dict[str, Account],
) -> None:
    answers = [_guess(ATTACKER).content.decode() for _ in range(50)]
    # Three guesses are checked; every later one is refused unchecked.
    assert sum("not right" in page for page in answers) == 3
    assert all("Too many attempts" in page for page in answers[3:])
    assert AuditEvent.objects.filter(action="account.sign_in_failed").count() == 3
    # The owner, from the office, signs in at once.
    owner = Client(REMOTE_ADDR="10.20.0.5")
    sign_in(owner, "kim", PERSONA_PASSWORD, totp_code_for("kim"))
    assert owner.get("/console/").status_code == 200


@override_settings(SAFEPASSAGE_SIGNIN_BACKOFF_BASE_SECONDS=60)
def test_the_attacker_is_slowed_even_with_the_right_password(
    personas: dict[str, Account],
) -> None:
    for _ in range(3):
        _guess(ATTACKER)
    page = _guess(ATTACKER, PERSONA_PASSWORD)
    assert page.status_code == 200
    assert "Too many attempts" in page.content.decode()


@override_settings(SAFEPASSAGE_SIGNIN_ACCOUNT_ALERT=6)
def test_guesses_from_many_addresses_alert_supervisors_without_case_content(
    personas: dict[str, Account],
) -> None:
    for host in range(6):
        _guess(f"198.51.100.{host}")
    [alert] = AuditEvent.objects.filter(action="account.sign_in_alert")
    assert alert.object_ref == "kim"
    assert alert.actor_id is None
    supervisor = Client()
    force_verified_login(supervisor, personas["sofia"])
    page = supervisor.get("/console/supervision/").content.decode()
    assert 'id="sign-in-alerts"' in page
    assert "kim: 6 failed sign-in attempts" in page
    assert "198.51.100" not in page
    admin = Client()
    force_verified_login(admin, personas["adam"])
    assert 'id="sign-in-alerts"' in admin.get("/console/accounts/").content.decode()
    assert 'id="sign-in-alerts"' in supervisor.get("/console/").content.decode()
    # Operators are not told (and the owner is not locked out by six guesses).
    operator = Client()
    force_verified_login(operator, personas["olga"])
    assert 'id="sign-in-alerts"' not in operator.get("/console/").content.decode()
    sign_in(Client(REMOTE_ADDR="10.20.0.5"), "kim", PERSONA_PASSWORD, totp_code_for("kim"))
