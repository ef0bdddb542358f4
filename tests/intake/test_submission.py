"""Submitting the form: sealed before it is stored, acknowledged after it is committed,
and every kind of bad input answered in the page's language with nothing lost."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.db import connection
from django.test import Client

from safepassage.campaigns.models import Campaign
from safepassage.crypto.keys import Keyring
from safepassage.crypto.receipts import parse_receipt
from safepassage.crypto.sealing import open_envelope_body
from safepassage.envelopes.models import EnvelopeKind, EnvelopeStatus, InboundEnvelope

from .helpers import LANGUAGES, html, pending_body, post_form, post_raw, receipt_from, text_in

pytestmark = pytest.mark.django_db

UNREADABLE = (
    "Part of this text could not be read (it was not sent as UTF-8). Check it and send again."
)
GROUP = "Write the number of people in digits, from 1 to %(max)s."
TOO_LARGE = "The form was too large to read. Please shorten your message and send it again."

FULL_FORM = {
    "message": "Хочу сдаться. Нас трое, мы в лесу у Курска.",
    "inquiry_type": "surrender",
    "name": "Иванов Пётр Сергеевич",
    "rank": "рядовой",
    "unit": "в/ч 12345",
    "service_number": "АБ-123456",
    "date_of_birth": "21.03.1999",
    "area": "Курская область",
    "group_size": "3",
    "telegram": "@petr_iv",
    "whatsapp": "+7 900 123-45-67",
    "phone": "+7 900 765-43-21",
    "campaign": "",
}


def _raw_rows() -> bytes:
    """Every column of every envelope row, as the database holds it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM intake_inboundenvelope")
        rows = cursor.fetchall()
    return b"".join(
        bytes(value) if isinstance(value, bytes | memoryview) else str(value).encode()
        for row in rows
        for value in row
    )


def test_submission_is_sealed_and_the_row_holds_no_plaintext(
    client: Client, installed_keys: Keyring
) -> None:
    response = post_form(client, "/ru/", FULL_FORM)
    assert response.status_code == 200
    receipt = receipt_from(response)
    assert len(receipt) == 24  # 20 digits in five groups
    assert receipt.count(" ") == 4

    envelope = InboundEnvelope.objects.get()
    assert envelope.kind == EnvelopeKind.WEB_SUBMISSION
    assert envelope.status == EnvelopeStatus.PENDING
    raw = _raw_rows()
    for value in [*FULL_FORM.values(), receipt.replace(" ", ""), "Курск", "Иванов"]:
        if len(value) >= 4:  # shorter ones (the group size "3") occur in any row
            assert value.encode() not in raw
    # Only the programme's secret key opens it, in the worker's schema.
    body = open_envelope_body(pending_body(envelope), installed_keys)
    assert body["receipt"] == parse_receipt(receipt)
    assert body["language"] == "ru"
    assert body["message"] == FULL_FORM["message"]
    assert body["reach_back"] == {
        "telegram": "@petr_iv",
        "whatsapp": "+7 900 123-45-67",
        "phone": "+7 900 765-43-21",
    }
    for name in ["inquiry_type", "name", "rank", "unit", "service_number", "area"]:
        assert body[name] == FULL_FORM[name]
    assert body["group_size"] == "3"
    assert "campaign" not in body


def test_only_the_message_is_required(client: Client, installed_keys: Keyring) -> None:
    response = post_form(client, "/ko/", {"message": "살고 싶습니다"})
    assert response.status_code == 200
    body = open_envelope_body(pending_body(InboundEnvelope.objects.get()), installed_keys)
    assert set(body) == {"message", "receipt", "language"}
    assert body["language"] == "ko"


def test_two_submissions_get_different_receipts(client: Client) -> None:
    first = receipt_from(post_form(client, "/en/", {"message": "one"}))
    second = receipt_from(post_form(client, "/en/", {"message": "two"}))
    assert first != second


@pytest.mark.parametrize("lang", LANGUAGES)
def test_empty_message_is_refused_in_the_page_language_keeping_the_rest(
    client: Client, lang: str
) -> None:
    response = post_form(client, f"/{lang}/", {**FULL_FORM, "message": "  \n "})
    assert response.status_code == 400
    page = html(response)
    assert text_in(lang, "Please write your message: it is the only field we need.") in page
    assert text_in(lang, "Please check the marked fields. What you wrote is kept below.") in page
    assert 'value="Иванов Пётр Сергеевич"' in page
    assert 'value="+7 900 765-43-21"' in page
    assert '<option value="surrender" selected>' in page
    assert 'aria-invalid="true" ' in page or 'aria-invalid="true">' in page
    assert InboundEnvelope.objects.count() == 0


@pytest.mark.parametrize("lang", LANGUAGES)
def test_oversize_message_is_refused_and_kept(client: Client, lang: str) -> None:
    long_text = "Очень длинное сообщение. " * 220  # 5500 characters
    response = post_form(client, f"/{lang}/", {"message": long_text, "name": "Пётр"})
    assert response.status_code == 400
    page = html(response)
    expected = text_in(
        lang,
        "This is too long: at most %(limit_value)s characters (now %(show_value)s).",
        limit_value=5000,
        show_value=len(long_text.strip()),
    )
    assert expected in page
    assert long_text.strip() in page
    assert 'value="Пётр"' in page
    assert InboundEnvelope.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "limit"),
    [
        ("name", 200),
        ("unit", 200),
        ("area", 200),
        ("rank", 100),
        ("service_number", 100),
        ("date_of_birth", 100),
        ("telegram", 100),
        ("whatsapp", 100),
        ("phone", 100),
    ],
)
def test_oversize_optional_fields_are_refused(client: Client, field: str, limit: int) -> None:
    value = "Щ" * (limit + 1)
    response = post_form(client, "/uk/", {"message": "Привіт", field: value})
    assert response.status_code == 400
    page = html(response)
    assert f'id="e-{field}"' in page
    assert f'value="{value}"' in page
    assert "Привіт" in page
    assert InboundEnvelope.objects.count() == 0


@pytest.mark.parametrize("lang", LANGUAGES)
def test_invalid_utf8_is_named_and_the_readable_part_kept(client: Client, lang: str) -> None:
    body = (
        b"message="
        + quote("Хочу жить ").encode()
        + b"%FF%FE"
        + quote(" конец").encode()
        + b"&name="
        + quote("Пётр").encode()
    )
    response = post_raw(client, f"/{lang}/", body)
    assert response.status_code == 400
    page = html(response)
    assert (
        text_in(
            lang,
            UNREADABLE,
        )
        in page
    )
    assert "Хочу жить \ufffd\ufffd конец" in page
    assert 'value="Пётр"' in page
    assert InboundEnvelope.objects.count() == 0


def test_control_characters_are_removed_before_sealing(
    client: Client, installed_keys: Keyring
) -> None:
    message = "Line one\x00\x07\r\nLine\u202e two\x1b[31m\tend\u2066"
    post_form(client, "/en/", {"message": message, "name": "Petr\x08\x00 Ivanov\n"})
    body = open_envelope_body(pending_body(InboundEnvelope.objects.get()), installed_keys)
    assert body["message"] == "Line one\nLine two[31m\tend"
    assert body["name"] == "Petr Ivanov"


def test_a_message_of_control_characters_only_counts_as_empty(client: Client) -> None:
    response = post_form(client, "/ru/", {"message": "\x00\x01\x02\u202e"})
    assert response.status_code == 400
    assert text_in("ru", "Please write your message: it is the only field we need.") in html(
        response
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_unknown_campaign_code_is_refused_and_kept(client: Client, lang: str) -> None:
    Campaign.objects.create(code="REAL1", title="Leaflet")
    response = post_form(client, f"/{lang}/", {"message": "Здравствуйте", "campaign": "fake9"})
    assert response.status_code == 400
    page = html(response)
    assert (
        text_in(
            lang,
            "We do not know the code “%(code)s”. Check it against the leaflet or video, "
            "or leave this field empty.",
            code="fake9",
        )
        in page
    )
    assert 'name="campaign" value="fake9"' in page
    assert "Здравствуйте" in page
    assert InboundEnvelope.objects.count() == 0


def test_known_campaign_code_is_accepted_in_any_case(
    client: Client, installed_keys: Keyring
) -> None:
    Campaign.objects.create(code="REAL1", title="Leaflet")
    assert post_form(client, "/en/", {"message": "hi", "campaign": " real1 "}).status_code == 200
    body = open_envelope_body(pending_body(InboundEnvelope.objects.get()), installed_keys)
    assert body["campaign"] == "REAL1"


@pytest.mark.parametrize("value", ["many", "0", "501", "-2", "2.5"])
def test_group_size_must_be_a_sensible_number(client: Client, value: str) -> None:
    response = post_form(client, "/ko/", {"message": "안녕하세요", "group_size": value})
    assert response.status_code == 400
    assert text_in("ko", GROUP, max=500) in html(response)


def test_group_size_in_full_width_digits_is_understood(
    client: Client, installed_keys: Keyring
) -> None:
    post_form(client, "/ko/", {"message": "안녕하세요", "group_size": "１２"})
    body = open_envelope_body(pending_body(InboundEnvelope.objects.get()), installed_keys)
    assert body["group_size"] == "12"


def test_unknown_inquiry_type_is_refused(client: Client) -> None:
    response = post_form(client, "/en/", {"message": "hi", "inquiry_type": "spy"})
    assert response.status_code == 400
    assert "Choose one of the listed answers." in html(response)


def test_a_post_too_large_to_read_gets_a_clear_page(client: Client) -> None:
    response = post_form(client, "/ru/", {"message": "я" * 200_000})
    assert response.status_code == 413
    assert text_in("ru", TOO_LARGE) in html(response)
    assert InboundEnvelope.objects.count() == 0


def test_too_many_fields_get_the_same_clear_page(client: Client) -> None:
    body = "&".join(f"f{i}=x" for i in range(100)).encode()
    response = post_raw(client, "/en/", body)
    assert response.status_code == 413


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_SEC_FETCH_SITE": "cross-site"},
        {"HTTP_SEC_FETCH_SITE": "same-site"},
        {"HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_ORIGIN": "http://testserver.evil.example"},
    ],
)
def test_posts_from_another_site_are_refused(client: Client, headers: dict[str, str]) -> None:
    response = post_form(client, "/ko/", {"message": "planted"}, **headers)
    assert response.status_code == 403
    assert text_in("ko", "This form was sent from another site") in html(response)
    assert InboundEnvelope.objects.count() == 0


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_SEC_FETCH_SITE": "same-origin", "HTTP_ORIGIN": "http://testserver"},
        {"HTTP_ORIGIN": "http://testserver"},
        {"HTTP_ORIGIN": "null"},  # an old browser under a no-referrer policy
        {},  # a browser too old to send either header
    ],
)
def test_posts_from_our_own_pages_are_accepted(client: Client, headers: dict[str, str]) -> None:
    assert post_form(client, "/ko/", {"message": "안녕"}, **headers).status_code == 200
    assert InboundEnvelope.objects.count() == 1


def test_multipart_posts_are_read_too(client: Client) -> None:
    response = client.post("/en/", {"message": "sent as multipart"})
    assert response.status_code == 200
    assert InboundEnvelope.objects.count() == 1


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_other_methods_are_not_allowed(client: Client, method: str) -> None:
    assert getattr(client, method)("/en/").status_code == 405
