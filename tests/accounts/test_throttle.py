"""Sign-in throttling, below the web layer: address backoff, account limit, alert."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import RequestFactory, override_settings
from django.utils import timezone

from safepassage.accounts import throttle
from safepassage.accounts.models import Account, SignInFailure
from safepassage.audit.models import AuditEvent
from safepassage.security.addresses import client_address

pytestmark = pytest.mark.django_db


def _age_all(seconds: float) -> None:
    SignInFailure.objects.update(created_at=timezone.now() - timedelta(seconds=seconds))


def test_an_address_gets_three_free_failures_then_waits_longer_each_time() -> None:
    for _ in range(3):
        assert not throttle.is_throttled(username="kim", address="10.0.0.1")
        throttle.record_sign_in_failure(username="kim", address="10.0.0.1")
    assert throttle.wait_seconds(username="kim", address="10.0.0.1") == 1
    # Another address is not slowed by this one's failures.
    assert not throttle.is_throttled(username="kim", address="10.0.0.2")
    _age_all(1.5)
    assert not throttle.is_throttled(username="kim", address="10.0.0.1")
    throttle.record_sign_in_failure(username="kim", address="10.0.0.1")
    assert throttle.wait_seconds(username="kim", address="10.0.0.1") == 2
    for _ in range(4):
        throttle.record_sign_in_failure(username="kim", address="10.0.0.1")
    # Eight failures: 2**5 seconds.
    assert throttle.wait_seconds(username="kim", address="10.0.0.1") == 32


def test_the_backoff_is_capped_by_the_address_limit_and_the_window() -> None:
    for _ in range(19):
        throttle.record_sign_in_failure(username="kim", address="10.0.0.1")
    assert throttle.wait_seconds(username="kim", address="10.0.0.1") == 15 * 60
    throttle.record_sign_in_failure(username="olga", address="10.0.0.1")
    assert throttle.is_throttled(username="anybody", address="10.0.0.1")
    _age_all(16 * 60)
    assert not throttle.is_throttled(username="kim", address="10.0.0.1")


def test_the_account_limit_is_high_and_counts_every_address() -> None:
    for attempt in range(99):
        throttle.record_sign_in_failure(username="kim", address=f"10.0.{attempt // 250}.{attempt}")
    assert not throttle.is_throttled(username="kim", address="10.9.9.9")
    throttle.record_sign_in_failure(username="KIM ", address="10.0.5.5")
    assert throttle.is_throttled(username="kim", address="10.9.9.9")
    assert not throttle.is_throttled(username="olga", address="10.9.9.9")


def test_failures_older_than_the_window_no_longer_count() -> None:
    for attempt in range(5):
        throttle.record_sign_in_failure(username="kim", address=f"10.0.0.{attempt}")
        throttle.record_sign_in_failure(username="olga", address="10.0.0.1")
    _age_all(16 * 60)
    assert not throttle.is_throttled(username="kim", address="10.0.0.1")
    assert throttle.account_failures("kim") == 0


def test_very_old_failures_are_deleted_as_new_ones_arrive() -> None:
    throttle.record_sign_in_failure(username="kim", address="10.0.0.1")
    _age_all(2 * 3600)
    throttle.record_sign_in_failure(username="olga", address="10.0.0.2")
    assert SignInFailure.objects.count() == 2


@override_settings(
    SAFEPASSAGE_SIGNIN_ACCOUNT_LIMIT=2,
    SAFEPASSAGE_SIGNIN_ADDRESS_LIMIT=3,
    SAFEPASSAGE_SIGNIN_ADDRESS_FREE=10,
)
def test_limits_are_settings() -> None:
    throttle.record_sign_in_failure(username="a", address="10.0.0.1")
    throttle.record_sign_in_failure(username="a", address="10.0.0.2")
    assert throttle.is_throttled(username="a", address="10.0.0.3")
    throttle.record_sign_in_failure(username="b", address="10.0.0.9")
    throttle.record_sign_in_failure(username="c", address="10.0.0.9")
    throttle.record_sign_in_failure(username="d", address="10.0.0.9")
    assert throttle.is_throttled(username="e", address="10.0.0.9")


def test_an_alert_is_raised_once_per_window_at_the_alert_level(
    personas: dict[str, Account],
) -> None:
    kim = personas["kim"]
    for attempt in range(9):
        throttle.record_sign_in_failure(username="kim", address=f"10.0.0.{attempt}")
        assert not throttle.raise_alert_if_due(account=kim)
    throttle.record_sign_in_failure(username="kim", address="10.0.0.99")
    assert throttle.raise_alert_if_due(account=kim)
    throttle.record_sign_in_failure(username="kim", address="10.0.0.98")
    assert not throttle.raise_alert_if_due(account=kim)
    [alert] = AuditEvent.objects.filter(action="account.sign_in_alert")
    assert alert.object_ref == "kim"
    assert alert.detail == {"failures": 10, "window_minutes": 15}
    # No address in the alert.
    assert "10.0.0" not in str(alert.detail)


def test_client_address_ignores_forwarded_headers_unless_behind_our_proxy() -> None:
    request = RequestFactory().get(
        "/console/", REMOTE_ADDR="10.1.1.1", headers={"X-Forwarded-For": "1.2.3.4"}
    )
    assert client_address(request) == "10.1.1.1"
    with override_settings(SAFEPASSAGE_BEHIND_PROXY=True):
        spoofed = RequestFactory().get(
            "/console/",
            REMOTE_ADDR="10.1.1.1",
            headers={"X-Forwarded-For": "9.9.9.9, 203.0.113.7"},
        )
        # Only the entry our proxy appended (the last) counts.
        assert client_address(spoofed) == "203.0.113.7"
