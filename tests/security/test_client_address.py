"""One rule for "which client is this" on both tiers (intake rate limits, console sign-in)."""

from __future__ import annotations

from typing import Any

from django.test import RequestFactory

from safepassage.security.addresses import client_address


def test_an_ipv6_client_is_its_slash_64_on_both_tiers() -> None:
    first = RequestFactory().get("/", REMOTE_ADDR="2001:db8:1:2:aaaa::1")
    second = RequestFactory().get("/", REMOTE_ADDR="2001:db8:1:2:bbbb::9")
    assert client_address(first) == client_address(second) == "2001:db8:1:2::/64"
    mapped = RequestFactory().get("/", REMOTE_ADDR="::ffff:198.51.100.4")
    assert client_address(mapped) == "198.51.100.4"


def test_only_the_last_forwarded_hop_counts_behind_our_proxy(settings: Any) -> None:
    settings.SAFEPASSAGE_BEHIND_PROXY = True
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7"
    )
    assert client_address(request) == "203.0.113.7"
    settings.SAFEPASSAGE_BEHIND_PROXY = False
    assert client_address(request) == "10.0.0.1"
