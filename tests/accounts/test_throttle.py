"""Sign-in throttling, below the web layer."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import RequestFactory, override_settings
from django.utils import timezone

from safepassage.accounts import throttle
from safepassage.accounts.models import SignInFailure
from safepassage.security.addresses import client_address

pytestmark = pytest.mark.django_db


def test_five_failures_for_an_account_name_throttle_it_for_the_window() -> None:
    for attempt in range(4):
        throttle.record_sign_in_failure(username="kim", address=f"10.0.0.{attempt}")
    assert not throttle.is_throttled(username="kim", address="10.0.0.9")
    throttle.record_sign_in_failure(username="KIM ", address="10.0.0.5")
    assert throttle.is_throttled(username="kim", address="10.0.0.9")
    assert not throttle.is_throttled(username="olga", address="10.0.0.9")


def test_failures_older_than_the_window_no_longer_count() -> None:
    for _ in range(5):
        throttle.record_sign_in_failure(username="kim", address="10.0.0.1")
    SignInFailure.objects.update(created_at=timezone.now() - timedelta(minutes=16))
    assert not throttle.is_throttled(username="kim", address="10.0.0.1")


def test_very_old_failures_are_deleted_as_new_ones_arrive() -> None:
    throttle.record_sign_in_failure(username="kim", address="10.0.0.1")
    SignInFailure.objects.update(created_at=timezone.now() - timedelta(hours=2))
    throttle.record_sign_in_failure(username="olga", address="10.0.0.2")
    assert SignInFailure.objects.count() == 2


@override_settings(SAFEPASSAGE_SIGNIN_ACCOUNT_LIMIT=2, SAFEPASSAGE_SIGNIN_ADDRESS_LIMIT=3)
def test_limits_are_settings() -> None:
    throttle.record_sign_in_failure(username="a", address="10.0.0.1")
    throttle.record_sign_in_failure(username="a", address="10.0.0.2")
    assert throttle.is_throttled(username="a", address="10.0.0.3")
    throttle.record_sign_in_failure(username="b", address="10.0.0.9")
    throttle.record_sign_in_failure(username="c", address="10.0.0.9")
    throttle.record_sign_in_failure(username="d", address="10.0.0.9")
    assert throttle.is_throttled(username="e", address="10.0.0.9")


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
