"""Security headers on public and console responses, and redacted logs."""

from __future__ import annotations

import logging

import pytest
from django.test import Client, override_settings

from safepassage.security.logs import RedactFilter


@pytest.mark.parametrize("path", ["/en/", "/no-such-page/", "/console/sign-in/"])
def test_strict_headers_on_every_response(client: Client, path: str, db: None) -> None:
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "'unsafe-inline'" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    # Public pages use same-origin so form posts carry a real Origin (see
    # docs/decisions.md); the console must, too (its every form is CSRF-checked).
    # Neither policy ever sends a Referer to another site.
    expected = "same-origin" if path.startswith("/console/") else {"same-origin", "no-referrer"}
    assert response.headers["Referrer-Policy"] in (
        expected if isinstance(expected, set) else {expected}
    )
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "camera=()" in response.headers["Permissions-Policy"]


def test_public_pages_allow_no_script_at_all(client: Client, db: None) -> None:
    csp = client.get("/en/").headers["Content-Security-Policy"]
    assert "script-src" not in csp  # falls back to default-src 'none'


def test_console_may_load_only_its_own_scripts(client: Client, db: None) -> None:
    csp = client.get("/console/sign-in/").headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp


@override_settings(SECURE_HSTS_SECONDS=63072000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True)
def test_hsts_when_served_over_tls(client: Client, db: None) -> None:
    response = client.get("/en/", secure=True)
    assert response.headers["Strict-Transport-Security"].startswith("max-age=63072000")


def test_no_hsts_over_plain_http(client: Client, db: None) -> None:
    assert "Strict-Transport-Security" not in client.get("/en/").headers


@override_settings(
    SAFEPASSAGE_ONION_LOCATION="http://example2onionaddressxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.onion"
)
def test_onion_location_when_configured(client: Client, db: None) -> None:
    header = client.get("/en/").headers["Onion-Location"]
    assert header.endswith(".onion/en/")


def test_log_filter_strips_query_strings_and_exception_messages() -> None:
    record = logging.LogRecord(
        "django.request", logging.ERROR, __file__, 1, "Bad request %s", ("/en/?name=Иванов",), None
    )
    surname = "".join(["Ива", "нов"])  # not a literal: tracebacks quote source lines
    try:
        raise ValueError(f"duplicate key value ({surname})")
    except ValueError:
        import sys

        record.exc_info = sys.exc_info()
    RedactFilter().filter(record)
    formatted = logging.Formatter().format(record)
    assert "Иванов" not in formatted
    assert "ValueError" in formatted
