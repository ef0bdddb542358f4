"""A Korean case worked end to end in Debian's Chromium.

kim signs in with password and TOTP, sees the case in the Korean queue (which refreshes
itself), claims it, answers with a canned reply and moves it to verified; sofia
reassigns it; adam (admin) is refused the case page.
"""

from __future__ import annotations

from typing import Any

import pytest
from nacl.public import PrivateKey
from pytest_django.fixtures import Settings

from safepassage.accounts.models import Account
from safepassage.cases.domain import save_canned_reply
from safepassage.cases.models import Case, Direction, Message
from safepassage.crypto.sealing import open_text_as_applicant
from tests.conftest import PERSONA_PASSWORD, totp_code_for

from ..cases.casework import make_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def plain_http(settings: Settings) -> None:
    # The live server speaks plain HTTP on loopback; production cookies are Secure.
    settings.SESSION_COOKIE_SECURE = False


def _signed_in(chromium: Any, base: str, name: str) -> tuple[Any, Any, list[str]]:
    """A new browser context signed in as ``name`` through the real two-step pages."""
    context = chromium.new_context(locale="en-GB")
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.goto(base + "/console/")
    page.get_by_label("Account name").fill(name)
    page.get_by_label("Password").fill(PERSONA_PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(base + "/console/sign-in/code/")
    page.get_by_label("Code").fill(totp_code_for(name))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(base + "/console/")
    return context, page, problems


def test_korean_case_from_queue_to_verified_then_reassigned(
    chromium: Any, live_server: Any, personas: dict[str, Account], plain_http: None
) -> None:
    base = live_server.url
    applicant = PrivateKey.generate()
    case = make_case(
        language="ko", message="항복하고 싶습니다. 도와주세요.", applicant_key=applicant
    )
    save_canned_reply(
        by=personas["sofia"],
        language="ko",
        title="첫 답변",
        body="안녕하세요. 저는 {operator}입니다. 사건 번호는 {reference}입니다. 안전합니다.",
    )
    kate = Account.objects.create_account(
        "kate", PERSONA_PASSWORD, role="operator", languages=["ko"], display_name="Kate"
    )

    context, page, problems = _signed_in(chromium, base, "kim")
    try:
        # The Korean queue, filters in the URL; it refreshes itself without a reload.
        page.goto(base + "/console/queue/?language=ko")
        row = page.locator(f'tr[data-reference="{case.reference}"]')
        assert "Wants to surrender" in row.inner_text()
        newcomer = make_case(language="ko", message="저도요")
        page.locator(f'tr[data-reference="{newcomer.reference}"]').wait_for(timeout=30_000)
        assert page.url == base + "/console/queue/?language=ko"

        row.get_by_role("button", name="Claim").click()
        page.wait_for_url(f"{base}/console/cases/{case.reference}/")
        assert page.locator("#assignee").inner_text() == personas["kim"].display_name
        assert "항복하고 싶습니다. 도와주세요." in page.locator("#conversation").inner_text()

        # Answer with the canned reply, its placeholders filled in.
        page.get_by_label("Canned reply").select_option(label="첫 답변")
        page.get_by_role("button", name="Use", exact=True).click()
        reply_box = page.get_by_label("Reply", exact=True)
        expected = (
            f"안녕하세요. 저는 {personas['kim'].display_name}입니다. "
            f"사건 번호는 {case.reference}입니다. 안전합니다."
        )
        assert reply_box.input_value() == expected
        page.get_by_role("button", name="Send reply").click()
        page.get_by_text("Reply sent.").wait_for()
        assert expected in page.locator("#conversation").inner_text()

        # The reply engaged the case; engaged → verified through the state machine's choices.
        assert page.locator("#case-state").inner_text().startswith("Engaged")
        for label in ["Verified"]:
            page.get_by_label("Move to").select_option(label=label)
            page.get_by_role("button", name="Move", exact=True).click()
            page.get_by_text(f"is now {label}").wait_for()
        assert page.locator("#case-state").inner_text().startswith("Verified")
        assert problems == []
    finally:
        context.close()

    stored = Case.objects.get(pk=case.pk)
    assert stored.state == "verified"
    reply = Message.objects.get(case=case, direction=Direction.OUTBOUND)
    # The applicant reads it in the inbox with the key derived from the receipt.
    assert open_text_as_applicant(reply.body, applicant) == expected

    context, page, problems = _signed_in(chromium, base, "sofia")
    try:
        page.goto(f"{base}/console/cases/{case.reference}/")
        page.get_by_label("Give to").select_option(label="Kate (Operator)")
        page.get_by_role("button", name="Assign").click()
        page.get_by_text("is now with Kate").wait_for()
        assert page.locator("#assignee").inner_text() == "Kate"
        assert problems == []
    finally:
        context.close()
    assert Case.objects.get(pk=case.pk).assigned_to_id == kate.pk

    context, page, _problems = _signed_in(chromium, base, "adam")
    try:
        response = page.goto(f"{base}/console/cases/{case.reference}/")
        assert response is not None
        assert response.status == 403
        assert "항복" not in page.content()
        assert case.reference not in page.content()
    finally:
        context.close()
