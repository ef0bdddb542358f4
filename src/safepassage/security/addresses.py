"""The client's address as our rate limits and sign-in throttles see it (both tiers)."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def behind_proxy() -> bool:
    """Whether the deployer declared a reverse proxy that sets ``X-Forwarded-For``."""
    return bool(getattr(settings, "SAFEPASSAGE_BEHIND_PROXY", False))


def client_address(request: HttpRequest) -> str:
    """The client's address as rate limits and throttles see it.

    Behind a proxy only the last ``X-Forwarded-For`` hop is trusted: it is the one our
    proxy appended; anything before it was written by the client, so a client cannot
    pick a fresh address per attempt.  An IPv6 client is its /64 (one subscriber's
    network: it could otherwise rotate through 2^64 addresses); an IPv4-mapped IPv6
    address is its IPv4 address.
    """
    address = str(request.META.get("REMOTE_ADDR", ""))
    if behind_proxy():
        forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
        last = forwarded.rsplit(",", 1)[-1].strip()
        if last:
            address = last
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address[:64]
    if isinstance(parsed, ipaddress.IPv6Address) and parsed.ipv4_mapped is None:
        return str(ipaddress.IPv6Network((parsed, 64), strict=False).network_address) + "/64"
    if isinstance(parsed, ipaddress.IPv6Address) and parsed.ipv4_mapped is not None:
        return str(parsed.ipv4_mapped)
    return str(parsed)
