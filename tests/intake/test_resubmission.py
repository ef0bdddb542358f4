"""A reload or a double click of the public form stores one envelope and shows one
receipt, which never reaches a URL, a cookie or the rows at rest."""

from __future__ import annotations

import re
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from safepassage.crypto.keys import Keyring
from safepassage.envelopes.models import InboundEnvelope
from safepassage.intake.form_tokens import FORM_TOKEN_SECONDS, forget_old_tokens
from safepassage.intake.models import SentForm

from .helpers import html, post_form, receipt_from, text_in

_TOKEN = re.compile(r'name="form_token" value="([A-Za-z0-9_-]+)"')
AGAIN = (
    "This message had already been sent, so it was not sent a second time. "
    "Your receipt number is the same as before."
)


def _form_token(client: Client, path: str = "/ru/") -> str:
    match = _TOKEN.search(html(client.get(path)))
    assert match, "the form page carries a one-time token"
    return match.group(1)


def _raw_sent_forms() -> bytes:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM intake_sentform")
        rows = cursor.fetchall()
    return b"".join(
        bytes(value) if isinstance(value, bytes | memoryview) else str(value).encode()
        for row in rows
        for value in row
    )


@pytest.mark.django_db
def test_a_reload_of_the_receipt_page_creates_nothing_and_shows_the_same_receipt(
    client: Client, installed_keys: Keyring
) -> None:
    token = _form_token(client)
    data = {"message": "Хочу сдаться", "form_token": token}
    first = post_form(client, "/ru/", data)
    receipt = receipt_from(first)
    assert text_in("ru", AGAIN) not in html(first)

    # The browser's "resend form" on reload posts the same body again.
    again = post_form(client, "/ru/", data)
    assert again.status_code == 200
    assert receipt_from(again) == receipt
    assert text_in("ru", AGAIN) in html(again)
    assert InboundEnvelope.objects.count() == 1
    assert SentForm.objects.count() == 1

    # Not in a URL (answered to the POST, no redirect), not in a cookie, not at rest.
    digits = receipt.replace(" ", "")
    for response in (first, again):
        assert "Location" not in response.headers
        assert response.headers["Cache-Control"] == "no-store"
        assert not response.cookies
        assert digits not in response.headers.get("Content-Location", "")
    assert digits.encode() not in _raw_sent_forms()
    assert token.encode() not in _raw_sent_forms()


@pytest.mark.django_db
def test_each_form_page_gets_its_own_token_and_two_forms_make_two_cases(
    client: Client, installed_keys: Keyring
) -> None:
    first_token, second_token = _form_token(client), _form_token(client)
    assert first_token != second_token
    one = receipt_from(post_form(client, "/ko/", {"message": "a", "form_token": first_token}))
    two = receipt_from(post_form(client, "/ko/", {"message": "b", "form_token": second_token}))
    assert one != two
    assert InboundEnvelope.objects.count() == 2


@pytest.mark.django_db
def test_a_refused_form_keeps_its_token_so_the_corrected_send_is_still_one(
    client: Client, installed_keys: Keyring
) -> None:
    token = _form_token(client)
    refused = post_form(client, "/uk/", {"message": "", "form_token": token})
    assert refused.status_code == 400
    assert f'value="{token}"' in html(refused)
    assert not SentForm.objects.exists()
    post_form(client, "/uk/", {"message": "тест", "form_token": token})
    post_form(client, "/uk/", {"message": "тест", "form_token": token})
    assert InboundEnvelope.objects.count() == 1


@pytest.mark.django_db
def test_an_expired_token_is_forgotten(client: Client, installed_keys: Keyring) -> None:
    token = _form_token(client)
    post_form(client, "/en/", {"message": "hello", "form_token": token})
    SentForm.objects.update(sent_at=timezone.now() - timedelta(seconds=FORM_TOKEN_SECONDS + 1))
    assert forget_old_tokens() == 1
    assert not SentForm.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_double_click_through_the_writer_thread_stores_one_envelope(
    installed_keys: Keyring,
) -> None:
    token = _form_token(Client())
    data = {"message": "Хочу сдаться", "form_token": token}
    receipts: list[str] = []

    def send() -> None:
        response = post_form(Client(), "/ru/", data)
        receipts.append(receipt_from(response))

    clicks = [threading.Thread(target=send) for _ in range(3)]
    for click in clicks:
        click.start()
    for click in clicks:
        click.join()
    assert len(receipts) == 3
    assert len(set(receipts)) == 1
    assert InboundEnvelope.objects.count() == 1
    assert SentForm.objects.count() == 1
