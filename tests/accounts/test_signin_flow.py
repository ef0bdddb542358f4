"""The sign-in verbs below the web layer: each checks the throttle, does its work and
counts its own failures (issue 11: the view no longer does any of this)."""

from __future__ import annotations

from django.test import override_settings

from safepassage.accounts import throttle
from safepassage.accounts.domain import signin_flow
from safepassage.accounts.models import Account, SignInFailure
from safepassage.audit.models import AuditEvent
from tests.conftest import PERSONA_PASSWORD, totp_code_for

ADDRESS = "10.5.5.5"


def test_a_wrong_password_is_counted_and_audited_for_a_known_name_only(
    personas: dict[str, Account],
) -> None:
    result = signin_flow.do_password_step(username="kim", password="nope nope", address=ADDRESS)
    assert not result.ok
    assert not result.throttled
    assert SignInFailure.objects.count() == 2
    [event] = AuditEvent.objects.filter(action="account.sign_in_failed")
    assert event.object_ref == "kim"
    assert event.detail == {"step": "password"}
    signin_flow.do_password_step(username="ghost", password="nope nope", address="10.5.5.6")
    assert SignInFailure.objects.count() == 4
    assert AuditEvent.objects.filter(action="account.sign_in_failed").count() == 1


@override_settings(SAFEPASSAGE_SIGNIN_BACKOFF_BASE_SECONDS=60)
def test_a_throttled_step_checks_and_counts_nothing(personas: dict[str, Account]) -> None:
    for _ in range(3):
        signin_flow.do_password_step(username="kim", password="nope nope", address=ADDRESS)
    rows = SignInFailure.objects.count()
    result = signin_flow.do_password_step(
        username="kim", password=PERSONA_PASSWORD, address=ADDRESS
    )
    assert result.throttled
    assert result.account is None
    assert 0 < result.wait_seconds <= 60
    assert SignInFailure.objects.count() == rows


def test_both_steps_then_completion_forget_the_account_failures_only(
    personas: dict[str, Account],
) -> None:
    signin_flow.do_password_step(username="kim", password="nope nope", address=ADDRESS)
    first = signin_flow.do_password_step(
        username="kim", password=PERSONA_PASSWORD, address="10.5.5.7"
    )
    assert first.ok
    assert first.account is not None
    second = signin_flow.do_second_factor_step(
        account=first.account, code=totp_code_for("kim"), address="10.5.5.7"
    )
    assert second.method == "totp"
    signin_flow.do_complete_sign_in(account=first.account, method="totp")
    assert throttle.account_failures("kim") == 0
    assert SignInFailure.objects.filter(key=throttle.address_key(ADDRESS)).count() == 1
    assert AuditEvent.objects.filter(action="account.signed_in", object_ref="kim").exists()
