"""The registrar keeps the case of a registered person after the case is closed as
completed: read-only, from the register record, audited like every other viewing."""

from __future__ import annotations

import pytest
from django.http import Http404
from django.test import Client
from django.urls import reverse

from safepassage.accounts.models import Account
from safepassage.audit.models import AuditEvent
from safepassage.cases.domain import add_note, open_case, transition_case
from safepassage.cases.models import Case
from safepassage.cases.rules import CaseAction
from safepassage.cases.states import CaseState, CloseReason
from safepassage.console.access import get_case_for
from safepassage.register.models import CapturedPerson

from ..console.helpers import force_verified_login
from .support import registered

pytestmark = pytest.mark.django_db


def _client(account: Account) -> Client:
    client = Client()
    force_verified_login(client, account)
    return client


def _allowed(account: Account, reference: str) -> set[str]:
    allowed: set[str] = set()
    for action in sorted(CaseAction):
        try:
            get_case_for(account, reference, action=action)
        except Http404:
            continue
        allowed.add(action)
    return allowed


@pytest.fixture
def completed(personas: dict[str, Account]) -> CapturedPerson:
    """A registered person whose case a supervisor then closed as completed."""
    record = registered(personas["kim"], personas["roman"])
    add_note(record.case, by=personas["kim"], text="Вийшов до позицій о 05:40, з білим прапором")
    transition_case(
        record.case, to=CaseState.CLOSED, by=personas["sofia"], reason=CloseReason.COMPLETED
    )
    record.refresh_from_db()
    return record


def test_registrar_may_still_view_the_case_of_a_record_once_it_is_closed_as_completed(
    completed: CapturedPerson, personas: dict[str, Account]
) -> None:
    assert completed.case.state == CaseState.CLOSED
    assert _allowed(personas["roman"], completed.case.reference) == {"view"}


def test_registrar_opens_the_case_from_the_record_page(
    completed: CapturedPerson, personas: dict[str, Account]
) -> None:
    client = _client(personas["roman"])
    record_page = client.get(
        reverse("console:register-record", kwargs={"number": completed.number})
    )
    case_url = reverse("console:case", args=[completed.case.reference])
    assert f'href="{case_url}"'.encode() in record_page.content

    page = client.get(case_url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Вийшов до позицій о 05:40" in html
    # Read-only: no form that would reply, note, move, assign or edit the identity.
    for name in ("case-reply", "case-note", "case-transition", "case-assign", "case-identity"):
        assert reverse(f"console:{name}", args=[completed.case.reference]) not in html, name

    viewed = AuditEvent.objects.filter(
        action="case.viewed", actor_label="roman", object_ref=completed.case.reference
    )
    assert [event.detail for event in viewed] == [{"what": "workspace"}]


def test_registrar_still_cannot_change_the_completed_case(
    completed: CapturedPerson, personas: dict[str, Account]
) -> None:
    client = _client(personas["roman"])
    reference = completed.case.reference
    version = Case.objects.get(pk=completed.case_id).version
    for name, data in (
        ("case-note", {"text": "x", "token": "t" * 22}),
        ("case-transition", {"to": "engaged", "version": version}),
        ("case-identity", {"name": "x", "version": version}),
    ):
        response = client.post(reverse(f"console:{name}", args=[reference]), data)
        assert response.status_code == 403, name
    assert Case.objects.get(pk=completed.case_id).version == version


def test_nothing_else_widens_a_closed_case_without_a_record_stays_hidden(
    personas: dict[str, Account],
) -> None:
    case = open_case(channel="web", language="ru")
    case = transition_case(
        case, to=CaseState.CLOSED, by=personas["sofia"], reason=CloseReason.WITHDRAWN
    )
    assert _allowed(personas["roman"], case.reference) == set()
    response = _client(personas["roman"]).get(reverse("console:case", args=[case.reference]))
    assert response.status_code == 404
    assert case.reference.encode() not in response.content


@pytest.mark.parametrize("persona", ["anna", "adam"])
def test_analyst_and_admin_get_nothing_of_a_registered_case(
    completed: CapturedPerson, personas: dict[str, Account], persona: str
) -> None:
    assert _allowed(personas[persona], completed.case.reference) == set()
