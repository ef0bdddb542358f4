"""Making data before a rotation the way the tiers make it, and reading it all back."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client

from safepassage.accounts.models import Account
from safepassage.cases.domain import add_note, add_relative_contact, post_reply
from safepassage.cases.models import Case
from safepassage.crypto.keys import Keyring
from safepassage.crypto.sealing import open_sealed
from safepassage.crypto.stored import sealed_columns

from ..conftest import make_persona
from ..intake.helpers import post_form, receipt_from, run_worker

FIRST_MESSAGE = (
    "Хочу сдаться вместе с двумя товарищами, мы в лесу у деревни, "
    "пожалуйста ответьте как можно скорее, у нас нет связи кроме этого сайта"
)


@dataclass
class Made:
    """What ``make_data`` left behind."""

    receipt: str
    case: Case
    operator: Account


def make_data(
    client: Client,
    keyring: Keyring,
    *,
    name: str = "Иванов Иван",
    relative: str = "+380 67 765 43 21",
) -> Made:
    """A website submission (identity, reach-back numbers, a long first message), the
    worker's processing, an operator's reply sealed to the applicant, a note and a
    relative's phone added by the operator."""
    response = post_form(
        client,
        "/ru/",
        {
            "message": FIRST_MESSAGE,
            "name": name,
            "unit": "3-я мотострелковая бригада",
            "service_number": "АБ-123456",
            "date_of_birth": "21.03.1999",
            "telegram": "@ivan_in_forest",
            "phone": "+7 900 123-45-67",
        },
    )
    assert response.status_code == 200, response.content[:300]
    receipt = receipt_from(response)
    assert run_worker(keyring) == 1
    case = Case.objects.order_by("-id").first()
    assert case is not None
    operator = (
        make_persona("olga", keyring)
        if not Account.objects.filter(username="olga").exists()
        else Account.objects.get(username="olga")
    )
    post_reply(case, by=operator, text="Мы получили ваше сообщение. Оставайтесь на месте.")
    add_note(case, by=operator, text="Говорит о двоих товарищах.")
    add_relative_contact(case, by=operator, channel="sms", identity=relative)
    return Made(receipt=receipt, case=case, operator=operator)


def open_everything(keyring: Keyring) -> int:
    """Open every stored sealed value with ``keyring``; returns how many there were."""
    opened = 0
    for column in sealed_columns():
        for value in column.stored().values_list(column.name, flat=True):
            open_sealed(value, keyring)
            opened += 1
    if opened == 0:
        pytest.fail("no sealed values stored")
    return opened
