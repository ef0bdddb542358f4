"""A supervisor settles a burst in Debian's Chromium: htmx actions under the console's CSP."""

from __future__ import annotations

from typing import Any

import pytest
from pytest_django.fixtures import Settings

from safepassage.accounts.models import Account
from safepassage.cases.models import Case
from safepassage.cases.states import CaseState
from safepassage.floods.models import FloodGroup, FloodMembership, Verdict
from tests.conftest import PERSONA_PASSWORD, totp_code_for

from .helpers import noted_case
from .texts import SHORT

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_supervisor_takes_a_genuine_case_out_then_confirms_the_flood(
    chromium: Any, live_server: Any, personas: dict[str, Account], settings: Settings
) -> None:
    settings.SESSION_COOKIE_SECURE = False  # the live server speaks plain HTTP on loopback
    settings.SAFEPASSAGE_FLOOD_BURST = "3/600"
    cases = [noted_case(SHORT[0]) for _ in range(4)]
    group = FloodGroup.objects.get()
    base = live_server.url
    context = chromium.new_context(locale="en-GB")
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    try:
        page.goto(base + "/console/")
        page.get_by_label("Account name").fill("sofia")
        page.get_by_label("Password").fill(PERSONA_PASSWORD)
        page.get_by_role("button", name="Continue").click()
        page.wait_for_url(base + "/console/sign-in/code/")
        page.get_by_label("Code").fill(totp_code_for("sofia"))
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(base + "/console/")

        page.get_by_role("navigation", name="Main").get_by_role("link", name="Floods").click()
        page.get_by_role("link", name=f"#{group.pk}").click()
        page.wait_for_url(f"{base}/console/floods/{group.pk}/")

        genuine = cases[1]
        row = page.locator(f'#flood-members tr[data-reference="{genuine.reference}"]')
        row.get_by_role("button", name="Not part of the flood").click()
        page.get_by_text(f"Case {genuine.reference} was taken out of this group.").wait_for()
        # Swapped in place: still the same page, no reload.
        assert page.url == f"{base}/console/floods/{group.pk}/"
        assert not FloodMembership.objects.filter(case=genuine).exists()

        # The browser will not post the confirmation without the box ticked.
        page.get_by_role("button", name="Confirm flood").click()
        assert FloodGroup.objects.get().verdict == Verdict.OPEN
        page.get_by_role("checkbox").check()
        page.get_by_role("button", name="Confirm flood").click()
        page.get_by_text("Confirmed as a flood.").wait_for()
        states = dict(Case.objects.values_list("pk", "state"))
        assert states[genuine.pk] == CaseState.NEW
        assert all(states[case.pk] == CaseState.CLOSED for case in cases if case != genuine)
        assert problems == []
    finally:
        context.close()
