"""The registrar's pages in Debian's Chromium: they load under the console's CSP with
no script or style errors, and a refused form keeps what was typed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from pytest_django.fixtures import Settings

from safepassage.accounts.models import Account
from tests.conftest import PERSONA_PASSWORD, totp_code_for

from .support import days_ago, log, registered

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def plain_http(settings: Settings) -> None:
    # The live server speaks plain HTTP on loopback; production cookies are Secure.
    settings.SESSION_COOKIE_SECURE = False


def test_registrar_works_a_record_in_the_browser(
    chromium: Any,
    live_server: Any,
    personas: dict[str, Account],
    plain_http: None,
    tmp_path: Path,
) -> None:
    record = registered(personas["kim"], personas["roman"], captured_days_ago=20)
    log(record, personas["roman"], "arrival", days_ago(3), place="Табір № 1")
    context = chromium.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    try:
        base = live_server.url
        page.goto(base + "/console/")
        page.get_by_label("Account name").fill("roman")
        page.get_by_label("Password").fill(PERSONA_PASSWORD)
        page.get_by_role("button", name="Continue").click()
        page.wait_for_url(base + "/console/sign-in/code/")
        page.get_by_label("Code").fill(totp_code_for("roman"))
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(base + "/console/")
        page.goto(f"{base}/console/register/r/{record.number}/")
        expect(page.get_by_role("heading", name=f"Record {record.number}")).to_be_visible()
        page.screenshot(path=str(tmp_path / "record.png"), full_page=True)
        # A welfare entry dated before capture comes back refused, with the note kept.
        page.get_by_label("What happened").select_option("food")
        page.get_by_label("Date", exact=True).fill(days_ago(30).isoformat())
        page.get_by_label("Note").fill("Гаряча їжа")
        page.get_by_role("button", name="Add to the log").click()
        expect(page.get_by_text("The date is before his capture")).to_be_visible()
        expect(page.get_by_label("Note")).to_have_value("Гаряча їжа")
        page.get_by_label("Date", exact=True).fill(days_ago(1).isoformat())
        page.get_by_role("button", name="Add to the log").click()
        expect(page.get_by_text("Entry added to the welfare log.")).to_be_visible()
        page.get_by_role("button", name="Print a capture card").click()
        expect(page.get_by_text("Capture card printed")).to_be_visible()
        page.screenshot(path=str(tmp_path / "record-after.png"), full_page=True)
        page.goto(f"{base}/console/register/")
        expect(page.get_by_role("heading", name="Captured-person register")).to_be_visible()
        page.screenshot(path=str(tmp_path / "register.png"), full_page=True)
    finally:
        context.close()
    # The refused form answers 400 on purpose (Chromium logs that); nothing else may fail.
    assert [p for p in problems if "status of 400" not in p] == []
