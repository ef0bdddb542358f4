"""Hotline calls logged by operators, and call-backs surfacing when due."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from safepassage.accounts.models import Account
from safepassage.audit.models import AuditEvent
from safepassage.cases.domain import CaseError, post_reply
from safepassage.cases.models import Case, Contact, Direction
from safepassage.cases.states import Channel
from safepassage.channels.domain.hotline import (
    complete_callback,
    due_callbacks,
    log_hotline_call,
    schedule_callback,
)
from safepassage.channels.domain.status import reply_constraints
from safepassage.channels.models import Callback, CallbackState
from safepassage.crypto.keys import Keyring
from safepassage.crypto.sealing import open_text
from tests.channels.conftest import sealed

pytestmark = pytest.mark.django_db


def test_logged_call_opens_a_case_in_the_callers_language(
    personas: dict[str, Account], installed_keys: Keyring
) -> None:
    call = log_hotline_call(
        by=personas["kim"],
        language="ko",
        relation="relative",
        summary="어머니가 전화함. 아들이 쿠르스크 근처에 있음. 저녁에 다시 전화 요청.",
        callback_number="+82 10-1234-5678",
    )
    case = Case.objects.get(pk=call.case_id)
    assert case.language == "ko"
    assert case.first_channel == Channel.HOTLINE
    contact = Contact.objects.get(case=case)
    assert contact.relation == "relative"
    assert open_text(sealed(contact.identity), installed_keys) == "+821012345678"
    message = case.messages.get()
    assert message.direction == Direction.INBOUND
    assert message.channel == Channel.HOTLINE
    assert case.waiting_since is not None
    assert AuditEvent.objects.filter(
        action="hotline.call_logged", object_ref=case.reference
    ).exists()


def test_second_call_from_the_same_number_lands_on_the_same_case(
    personas: dict[str, Account],
) -> None:
    first = log_hotline_call(
        by=personas["olga"],
        language="ru",
        relation="self",
        summary="Первый звонок",
        callback_number="+7 912 000-11-22",
    )
    second = log_hotline_call(
        by=personas["olga"],
        language="ru",
        relation="self",
        summary="Перезвонил",
        callback_number="+79120001122",
    )
    assert first.case_id == second.case_id
    assert Case.objects.count() == 1


def test_call_without_number_or_summary(personas: dict[str, Account]) -> None:
    call = log_hotline_call(
        by=personas["olga"], language="uk", relation="unknown", summary="Анонімний дзвінок"
    )
    assert call.contact.identity is None
    with pytest.raises(CaseError):
        log_hotline_call(by=personas["olga"], language="uk", relation="self", summary="   ")


def test_hotline_contact_cannot_get_a_text_reply(personas: dict[str, Account]) -> None:
    call = log_hotline_call(by=personas["olga"], language="ru", relation="self", summary="Звонок")
    constraints = reply_constraints(call.contact)
    assert not constraints.can_send_text
    assert "call-back" in constraints.reason
    with pytest.raises(CaseError):
        post_reply(call.case, by=personas["olga"], text="Ответ", contact=call.contact)
    assert not call.case.messages.filter(direction=Direction.OUTBOUND).exists()


def test_call_back_appears_in_the_queue_when_due_for_those_who_read_the_language(
    personas: dict[str, Account],
) -> None:
    now = timezone.now()
    call = log_hotline_call(
        by=personas["kim"],
        language="ko",
        relation="self",
        summary="밤 10시 이후에 전화해 달라고 함",
        callback_number="+821099998888",
        callback_due=now + timedelta(hours=2),
        callback_note="혼자 있을 때만",
    )
    callback = Callback.objects.get(case=call.case)
    assert list(due_callbacks(personas["kim"], now=now)) == []
    later = now + timedelta(hours=3)
    assert list(due_callbacks(personas["kim"], now=later)) == [callback]
    assert list(due_callbacks(personas["sofia"], now=later)) == [callback]
    assert list(due_callbacks(personas["olga"], now=later)) == []
    assert list(due_callbacks(personas["adam"], now=later)) == []
    complete_callback(callback, by=personas["kim"])
    assert list(due_callbacks(personas["kim"], now=later)) == []
    assert Callback.objects.get().state == CallbackState.DONE
    with pytest.raises(CaseError):
        complete_callback(callback, by=personas["kim"])


def test_call_back_on_a_case_assigned_to_someone_else_is_theirs(
    personas: dict[str, Account],
) -> None:
    call = log_hotline_call(by=personas["kim"], language="ru", relation="self", summary="Звонок")
    Case.objects.filter(pk=call.case_id).update(assigned_to=personas["olga"])
    schedule_callback(
        case=call.case,
        contact=call.contact,
        due_at=timezone.now() - timedelta(minutes=1),
        by=personas["kim"],
    )
    assert due_callbacks(personas["kim"]).count() == 0
    assert due_callbacks(personas["olga"]).count() == 1
