"""Signing in through the real pages in Debian's Chromium, and the admin refused a case."""

from __future__ import annotations

from typing import Any

import pytest
from pytest_django.fixtures import Settings

from safepassage.accounts.models import Account
from safepassage.cases.domain import open_case
from tests.conftest import PERSONA_PASSWORD, totp_code_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def plain_http(settings: Settings) -> None:
    # The live server speaks plain HTTP on loopback; production cookies are Secure.
    settings.SESSION_COOKIE_SECURE = False


def _sign_in(page: Any, base: str, name: str) -> None:
    page.goto(base + "/console/")
    assert page.url.startswith(base + "/console/sign-in/")
    page.get_by_label("Account name").fill(name)
    page.get_by_label("Password").fill(PERSONA_PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(base + "/console/sign-in/code/")
    page.get_by_label("Code").fill(totp_code_for(name))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(base + "/console/")


def test_operator_signs_in_with_password_and_totp(
    chromium: Any, live_server: Any, personas: dict[str, Account], plain_http: None
) -> None:
    context = chromium.new_context()
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    try:
        _sign_in(page, live_server.url, "kim")
        assert "Hello, kim" in page.content()
        # htmx loaded from our own static files under the console CSP, no inline script.
        assert page.evaluate("typeof htmx") == "object"
        nav = page.get_by_role("navigation", name="Main").inner_text()
        assert "Accounts" not in nav
        assert "Audit log" not in nav
        assert problems == []
        page.get_by_role("button", name="Sign out").click()
        page.wait_for_url(live_server.url + "/console/sign-in/")
        page.goto(live_server.url + "/console/")
        assert page.url.startswith(live_server.url + "/console/sign-in/")
    finally:
        context.close()


def test_admin_is_refused_a_case_page(
    chromium: Any, live_server: Any, personas: dict[str, Account], plain_http: None
) -> None:
    case = open_case(channel="web", language="en")
    context = chromium.new_context()
    page = context.new_page()
    try:
        _sign_in(page, live_server.url, "adam")
        response = page.goto(f"{live_server.url}/console/cases/{case.reference}/")
        assert response is not None
        assert response.status == 403
        assert case.reference not in page.content()
        assert "Not available to your role" in page.content()
    finally:
        context.close()
