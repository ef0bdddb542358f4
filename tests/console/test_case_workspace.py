"""The case workspace: the opened conversation, who may open it, and the audit trail."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safepassage.accounts.models import Account
from safepassage.audit.models import AuditEvent
from safepassage.cases.domain import (
    add_inbound_message,
    add_note,
    claim_case,
    post_reply,
    transition_case,
)
from safepassage.cases.models import Case, Contact, Message
from safepassage.cases.models.contact import Relation
from safepassage.crypto.runtime import get_public_keyring
from safepassage.crypto.sealing import Sealed, seal

from ..cases.casework import add_message, make_case
from .helpers import force_verified_login

pytestmark = pytest.mark.django_db


def _client(account: Account) -> Client:
    client = Client()
    force_verified_login(client, account)
    return client


def _open(client: Client, case: Case) -> str:
    response = client.get(reverse("console:case", args=[case.reference]))
    assert response.status_code == 200
    return response.content.decode()


def test_conversation_across_channels_is_opened_in_time_order(
    personas: dict[str, Account],
) -> None:
    start = timezone.now() - datetime.timedelta(hours=1)
    case = make_case(language="ru", message="Первое сообщение с сайта", received_at=start)
    post_reply(case, by=personas["olga"], text="Ответ оператора")
    telegram = Contact.objects.create(case=case, channel="telegram", relation=Relation.RELATIVE)
    add_inbound_message(
        case,
        telegram,
        body=seal("Пишет мать из Telegram", to=get_public_keyring()),
        language="ru",
        received_at=timezone.now(),
    )
    add_note(case, by=personas["olga"], text="Внутренняя заметка")
    page = _open(_client(personas["olga"]), case)
    order = [
        page.index(text)
        for text in [
            "Первое сообщение с сайта",
            "Ответ оператора",
            "Пишет мать из Telegram",
            "Внутренняя заметка",
        ]
    ]
    assert order == sorted(order)
    assert "Telegram" in page
    assert "Website" in page


def test_every_opening_is_audited(personas: dict[str, Account]) -> None:
    case = make_case()
    client = _client(personas["kim"])
    _open(client, case)
    _open(client, case)
    events = AuditEvent.objects.filter(action="case.viewed", object_ref=case.reference)
    assert events.count() == 2
    assert events.first().detail == {"what": "workspace"}  # type: ignore[union-attr]
    assert {e.actor_label for e in events} == {"kim"}


def test_an_unreadable_message_does_not_break_the_page(personas: dict[str, Account]) -> None:
    case = make_case(message="ok")
    add_message(case, "second")
    message = Message.objects.filter(case=case).last()
    assert message is not None
    blob = bytearray(message.body.blob)
    blob[-1] ^= 1
    Message.objects.filter(pk=message.pk).update(body=Sealed.from_storage(bytes(blob)))
    page = _open(_client(personas["kim"]), case)
    assert "This entry cannot be opened." in page
    assert "ok" in page


@pytest.mark.parametrize("persona", ["olga", "roman"])
def test_accounts_that_may_not_see_the_case_get_not_found(
    personas: dict[str, Account], persona: str
) -> None:
    case = make_case(language="ko", message="비밀 메시지")
    response = _client(personas[persona]).get(reverse("console:case", args=[case.reference]))
    assert response.status_code == 404
    body = response.content.decode()
    assert "비밀" not in body
    assert case.reference not in body
    assert not AuditEvent.objects.filter(action="case.viewed").exists()


@pytest.mark.parametrize("persona", ["adam", "anna"])
def test_admin_and_analyst_are_refused_the_case_page(
    personas: dict[str, Account], persona: str
) -> None:
    case = make_case(language="en", message="secret words")
    response = _client(personas[persona]).get(reverse("console:case", args=[case.reference]))
    assert response.status_code == 403
    assert "secret words" not in response.content.decode()


def test_another_operators_case_is_not_found_for_an_operator(
    personas: dict[str, Account],
) -> None:
    case = claim_case(make_case(language="ru", message="чужое"), by=personas["olga"])
    response = _client(personas["kim"]).get(reverse("console:case", args=[case.reference]))
    assert response.status_code == 404
    assert "чужое" not in response.content.decode()


def test_a_forged_reference_is_not_found(personas: dict[str, Account]) -> None:
    client = _client(personas["sofia"])
    for forged in ["ZZZ-ZZZ-ZZZ", "1 OR 1=1", "%3Cscript%3E", "..%2F..%2Fetc"]:
        response = client.get(f"/console/cases/{forged}/")
        assert response.status_code == 404, forged


def test_registrar_reads_a_surrendered_case_without_any_form(
    personas: dict[str, Account],
) -> None:
    case = make_case(language="ru", message="сдался")
    for state in ["engaged", "verified", "planning", "surrendered"]:
        case = transition_case(case, to=state, by=personas["sofia"])
    response = _client(personas["roman"]).get(reverse("console:case", args=[case.reference]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "сдался" in body
    main = body.split('id="main"')[1]  # the header's sign-out and language forms aside
    assert 'method="post"' not in main


def test_operator_sees_the_forms_it_may_use_and_no_supervisor_ones(
    personas: dict[str, Account],
) -> None:
    page = _open(_client(personas["kim"]), make_case())
    assert 'id="reply-form"' in page
    assert 'id="transition-form"' in page
    assert 'id="assign-form"' not in page
    assert 'id="merges"' not in page
    assert '<option value="closed">' not in page  # closing is for supervisors


def test_supervisor_sees_assign_close_and_merge(personas: dict[str, Account]) -> None:
    page = _open(_client(personas["sofia"]), make_case(language="ko"))
    assert 'id="assign-form"' in page
    assert 'id="merges"' in page
    assert '<option value="closed">' in page
    # Only people who can work a Korean case are offered.
    assign_form = page.split('id="assign-form"')[1].split("</form>")[0]
    assert "kim" in assign_form
    assert "olga" not in assign_form
    assert "adam" not in assign_form
