"""The public site in Debian's Chromium: no JavaScript needed, from the first message to
signing out, on a desktop and on a 320-pixel phone screen.

The worker step (``process_pending``) runs in the test between the applicant's actions,
and the operator's reply is written through the cases service layer.
"""

from __future__ import annotations

from typing import Any

import pytest
from pytest_django.fixtures import Settings as SettingsWrapper

from safepassage.accounts.models import Account
from safepassage.cases.domain import post_reply
from safepassage.cases.models import Case
from safepassage.crypto.keys import Keyring

from .helpers import LANGUAGES, run_worker, text_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = "/tmp/intake-{lang}-{width}.png"  # noqa: S108  (for a person to look at)


def _new_page(chromium: Any, *, width: int, locale: str) -> Any:
    context = chromium.new_context(
        viewport={"width": width, "height": 800},
        locale=locale,
        java_script_enabled=False,  # the applicant's browser may have it off
    )
    return context.new_page()


def _fits_width(page: Any, width: int) -> None:
    # Evaluated by Playwright through the DevTools protocol, not by the page.
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"page is {scroll_width}px wide on a {width}px screen"


@pytest.mark.parametrize("width", [1280, 320])
def test_applicant_writes_reads_a_reply_follows_up_and_signs_out_in_korean(
    chromium: Any,
    live_server: Any,
    installed_keys: Keyring,
    personas: dict[str, Account],
    settings: SettingsWrapper,
    width: int,
) -> None:
    page = _new_page(chromium, width=width, locale="ko-KR")
    base = live_server.url

    # Sent to the Korean page by the browser's language; no cookie is set.
    page.goto(base + "/")
    assert page.url == base + "/ko/"
    assert page.locator("h1").inner_text() == "살 길이 있습니다"
    page.fill("#f-message", "살고 싶습니다. 저는 쿠르스크 근처에 혼자 있습니다.")
    page.select_option("#f-inquiry_type", "surrender")
    page.fill("#f-group_size", "1")
    page.get_by_role("button", name=text_in("ko", "Send", "intake")).click()
    receipt = page.locator("#receipt").inner_text()
    assert len(receipt.replace(" ", "")) == 20
    assert page.context.cookies() == []
    if width == 320:
        _fits_width(page, width)

    # The worker opens the envelope; an operator who reads Korean replies.
    run_worker(installed_keys)
    post_reply(Case.objects.get(), by=personas["kim"], text="잘 쓰셨습니다. 지금 안전합니까?")

    page.goto(base + "/ko/inbox")
    page.fill("#f-receipt", receipt)
    page.get_by_role("button", name=text_in("ko", "Open", "intake")).click()
    assert page.url == base + "/ko/inbox"
    talk = page.locator(".talk").inner_text()
    assert "살고 싶습니다" in talk
    assert "잘 쓰셨습니다. 지금 안전합니까?" in talk
    cookies = page.context.cookies()
    assert len(cookies) == 1
    assert cookies[0]["httpOnly"]
    assert cookies[0]["sameSite"] == "Strict"
    assert cookies[0]["expires"] == -1  # a session cookie

    page.fill("#f-message", "네, 지금은 안전합니다.")
    page.get_by_role("button", name=text_in("ko", "Send", "intake")).click()
    assert page.url == base + "/ko/inbox?sent=1#top"
    assert "글을 보냈습니다" in page.locator(".note").inner_text()
    run_worker(installed_keys)
    page.reload()
    assert "네, 지금은 안전합니다." in page.locator(".talk").inner_text()
    if width == 320:
        _fits_width(page, width)
        page.screenshot(path=SCREENSHOTS.format(lang="ko-inbox", width=width), full_page=True)

    page.get_by_role("button", name=text_in("ko", "Sign out", "intake")).click()
    assert page.locator("h1").inner_text() == "대화를 닫았습니다"
    assert page.context.cookies() == []
    page.goto(base + "/ko/inbox")
    assert page.locator("#f-receipt").count() == 1
    page.context.close()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_form_page_renders_at_320_px_in_every_language(
    chromium: Any, live_server: Any, lang: str
) -> None:
    page = _new_page(chromium, width=320, locale=lang)
    response = page.goto(f"{live_server.url}/{lang}/")
    assert response.status == 200
    _fits_width(page, 320)
    # The stylesheet loaded (the quick exit is a red button, not a plain link).
    colour = page.locator(".exit").evaluate("e => getComputedStyle(e).backgroundColor")
    assert colour == "rgb(155, 28, 28)"
    page.screenshot(path=SCREENSHOTS.format(lang=lang, width=320), full_page=True)
    page.context.close()


def test_keyboard_reaches_quick_exit_first_and_every_field_in_order(
    chromium: Any, live_server: Any
) -> None:
    page = _new_page(chromium, width=1280, locale="ru")
    page.goto(f"{live_server.url}/ru/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "exit"
    order = []
    for _ in range(40):
        page.keyboard.press("Tab")
        order.append(page.evaluate("document.activeElement.id"))
    fields = [field for field in order if field.startswith("f-")]
    assert fields[:3] == ["f-message", "f-inquiry_type", "f-name"]
    assert "f-campaign" in fields
    page.context.close()


def test_quick_exit_works_without_javascript(chromium: Any, live_server: Any) -> None:
    page = _new_page(chromium, width=320, locale="ru")
    page.goto(f"{live_server.url}/ru/")
    page.get_by_role("link", name=text_in("ru", "Quick exit", "intake")).click()
    assert page.url == f"{live_server.url}/exit"
    assert page.title() == "Weather"
    page.context.close()
