"""The applicant's inbox: receipt sign-in, the conversation, follow-ups and sign-out."""

from __future__ import annotations

import re
import secrets
import time
from http.cookies import Morsel

import pytest
from django.test import Client, RequestFactory
from pytest_django.fixtures import Settings as SettingsWrapper

from safepassage.accounts.models import Account
from safepassage.cases.domain import post_reply
from safepassage.cases.models import Case, Contact, Direction, Message
from safepassage.crypto.keys import Keyring
from safepassage.crypto.receipts import derive_receipt_keys, new_receipt, parse_receipt
from safepassage.crypto.sealing import open_envelope_body
from safepassage.envelopes.models import EnvelopeKind, InboundEnvelope
from safepassage.intake import applicant_session

from .helpers import LANGUAGES, html, pending_body, post_form, receipt_from, run_worker, text_in

pytestmark = pytest.mark.django_db

NOT_FOUND = (
    "We found no conversation for this number. If you have just written to us, "
    "wait a minute and try again. Otherwise, check the number."
)
SENT = "Your message has been sent. It will appear below within a minute."
STALE = "This form was out of date, so nothing was sent. Check your message and send it again."
EMPTY = "Please write your message: it is the only field we need."
RESEND = "You are signed in again. Your message has not been sent yet: check it and press Send."
COOKIE = "__Host-sp"  # tests run with SAFEPASSAGE_TLS on, as production does


def _submit(client: Client, lang: str, message: str) -> str:
    return receipt_from(post_form(client, f"/{lang}/", {"message": message}))


def _sign_in(client: Client, lang: str, receipt: str) -> None:
    response = post_form(client, f"/{lang}/inbox", {"receipt": receipt})
    assert response.status_code == 303, html(response)
    assert response.headers["Location"] == f"/{lang}/inbox"


def _token(page: str) -> str:
    match = re.search(r'name="token" value="([0-9a-f]+)"', page)
    assert match is not None
    return match.group(1)


def _cookie(client: Client) -> Morsel[str]:
    return client.cookies[COOKIE]


def test_applicant_reads_a_reply_and_writes_again(
    client: Client, installed_keys: Keyring, personas: dict[str, Account]
) -> None:
    receipt = _submit(client, "ko", "살고 싶습니다. 혼자입니다.")
    assert run_worker(installed_keys) == 1
    _sign_in(client, "ko", receipt)
    page = html(client.get("/ko/inbox"))
    assert "살고 싶습니다. 혼자입니다." in page

    case = Case.objects.get()
    post_reply(case, by=personas["kim"], text="안녕하세요. 지금 안전한 곳에 있습니까?")
    page = html(client.get("/ko/inbox"))
    assert "안녕하세요. 지금 안전한 곳에 있습니까?" in page
    assert text_in("ko", "Operator", "intake") in page
    assert page.index("살고 싶습니다") < page.index("안전한 곳")

    response = post_form(
        client, "/ko/inbox/send", {"message": "네, 안전합니다.", "token": _token(page)}
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/ko/inbox?sent=1#top"
    envelope = InboundEnvelope.objects.filter(kind=EnvelopeKind.WEB_FOLLOWUP).get()
    body = open_envelope_body(pending_body(envelope), installed_keys)
    assert body == {
        "lookup_hash": Contact.objects.get().receipt_lookup_hash,
        "language": "ko",
        "message": "네, 안전합니다.",
    }
    page = html(client.get("/ko/inbox?sent=1"))
    assert text_in("ko", SENT) in page

    run_worker(installed_keys)
    page = html(client.get("/ko/inbox"))
    assert "네, 안전합니다." in page
    inbound = Message.objects.filter(direction=Direction.INBOUND).count()
    assert inbound == 2


def test_sign_in_sets_one_encrypted_session_cookie(client: Client, installed_keys: Keyring) -> None:
    receipt = _submit(client, "ru", "Хочу жить")
    run_worker(installed_keys)
    _sign_in(client, "ru", receipt)
    cookie = _cookie(client)
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Strict"
    assert cookie["secure"] is True
    assert cookie["path"] == "/"
    # No expiry: gone when the browser closes.
    assert not cookie["expires"]
    assert not cookie["max-age"]
    assert list(client.cookies) == [COOKIE]
    keys = derive_receipt_keys(receipt, installed_keys.public)
    value = cookie.value
    assert keys.lookup_hash not in value
    assert parse_receipt(receipt) not in value
    assert bytes(keys.private_key).hex() not in value


def test_cookie_name_without_tls_has_no_host_prefix(
    client: Client, installed_keys: Keyring, settings: SettingsWrapper
) -> None:
    settings.SAFEPASSAGE_TLS = False
    receipt = _submit(client, "en", "Hello")
    run_worker(installed_keys)
    _sign_in(client, "en", receipt)
    cookie = client.cookies["sp_inbox"]
    assert not cookie["secure"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Strict"


def test_every_wrong_receipt_gets_the_same_answer(client: Client, installed_keys: Keyring) -> None:
    _submit(client, "uk", "another applicant")
    run_worker(installed_keys)  # someone else's conversation exists
    # A receipt that is real but not yet processed by the worker, and two never issued.
    pending = _submit(client, "uk", "Привіт")
    random_receipts = [new_receipt() for _ in range(2)]
    answers = []
    for receipt in [pending, *random_receipts]:
        response = post_form(client, "/uk/inbox", {"receipt": receipt})
        answers.append((response.status_code, html(response).replace(receipt, "RECEIPT")))
    assert len({status for status, _ in answers}) == 1
    assert answers[0][0] == 400
    assert len({page for _, page in answers}) == 1
    assert text_in("uk", NOT_FOUND) in answers[0][1]
    assert not client.cookies
    # Once the worker has stored it, the same receipt opens the inbox.
    run_worker(installed_keys)
    _sign_in(client, "uk", pending)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("typed", ["1234 5678", "abcd efgh ijkl mnop", "1" * 65])
def test_malformed_receipt_gets_a_clear_error_and_is_kept(
    client: Client, lang: str, typed: str
) -> None:
    response = post_form(client, f"/{lang}/inbox", {"receipt": typed})
    assert response.status_code == 400
    page = html(response)
    assert f'value="{typed}"' in page
    assert 'aria-invalid="true"' in page
    expected = (
        "A receipt has 20 digits (older ones 16). Check the number and try again."
        if len(typed) > 64
        else "This is not a valid receipt number. A receipt has 20 digits "
        "(older ones 16); check each one and try again."
    )
    assert text_in(lang, expected) in page


def test_a_mistyped_digit_is_caught_by_the_check_digit(client: Client) -> None:
    receipt = parse_receipt(_submit(client, "en", "hi"))
    wrong = receipt[:5] + str((int(receipt[5]) + 1) % 10) + receipt[6:]
    response = post_form(client, "/en/inbox", {"receipt": wrong})
    assert "This is not a valid receipt number." in html(response)


def test_receipt_typed_with_dashes_or_full_width_digits_works(
    client: Client, installed_keys: Keyring
) -> None:
    receipt = parse_receipt(_submit(client, "ko", "안녕하세요"))
    run_worker(installed_keys)
    full_width = "".join(chr(0xFF10 + int(d)) for d in receipt)
    _sign_in(client, "ko", full_width)
    client.cookies.clear()
    _sign_in(client, "ko", "-".join(receipt[i : i + 4] for i in range(0, len(receipt), 4)))


def test_followup_with_a_stale_token_is_not_sent_but_kept(
    client: Client, installed_keys: Keyring
) -> None:
    receipt = _submit(client, "ru", "Первое")
    run_worker(installed_keys)
    _sign_in(client, "ru", receipt)
    response = post_form(client, "/ru/inbox/send", {"message": "Второе", "token": "0" * 32})
    assert response.status_code == 400
    page = html(response)
    assert (
        text_in(
            "ru",
            STALE,
        )
        in page
    )
    assert "Второе</textarea>" in page
    assert not InboundEnvelope.objects.filter(kind=EnvelopeKind.WEB_FOLLOWUP).exists()


def test_token_from_another_session_is_refused(client: Client, installed_keys: Keyring) -> None:
    receipt = _submit(client, "en", "first")
    run_worker(installed_keys)
    _sign_in(client, "en", receipt)
    old_token = _token(html(client.get("/en/inbox")))
    client.cookies.clear()
    _sign_in(client, "en", receipt)  # a new session, a new id
    response = post_form(client, "/en/inbox/send", {"message": "again", "token": old_token})
    assert response.status_code == 400


@pytest.mark.parametrize("lang", LANGUAGES)
def test_empty_or_oversize_followup_is_refused_and_kept(
    client: Client, installed_keys: Keyring, lang: str
) -> None:
    receipt = _submit(client, lang, "start")
    run_worker(installed_keys)
    _sign_in(client, lang, receipt)
    token = _token(html(client.get(f"/{lang}/inbox")))
    response = post_form(client, f"/{lang}/inbox/send", {"message": "", "token": token})
    assert response.status_code == 400
    assert text_in(lang, EMPTY) in html(response)
    long_text = "ж" * 5001
    response = post_form(client, f"/{lang}/inbox/send", {"message": long_text, "token": token})
    assert response.status_code == 400
    assert long_text in html(response)
    assert not InboundEnvelope.objects.filter(kind=EnvelopeKind.WEB_FOLLOWUP).exists()


def test_followup_after_the_session_ended_is_kept_through_sign_in(
    client: Client, installed_keys: Keyring
) -> None:
    receipt = _submit(client, "uk", "Перше")
    run_worker(installed_keys)
    response = post_form(client, "/uk/inbox/send", {"message": "Не загубіть це", "token": "x"})
    assert response.status_code == 401
    page = html(response)
    assert text_in("uk", "Your session has ended. Enter your receipt number again.") in page
    assert 'name="pending" value="Не загубіть це"' in page
    response = post_form(client, "/uk/inbox", {"receipt": receipt, "pending": "Не загубіть це"})
    assert response.status_code == 200
    page = html(response)
    assert "Не загубіть це</textarea>" in page
    assert (
        text_in(
            "uk",
            RESEND,
        )
        in page
    )
    assert not InboundEnvelope.objects.filter(kind=EnvelopeKind.WEB_FOLLOWUP).exists()


def test_cross_site_followup_is_refused(client: Client, installed_keys: Keyring) -> None:
    receipt = _submit(client, "en", "first")
    run_worker(installed_keys)
    _sign_in(client, "en", receipt)
    token = _token(html(client.get("/en/inbox")))
    response = post_form(
        client,
        "/en/inbox/send",
        {"message": "planted", "token": token},
        HTTP_SEC_FETCH_SITE="cross-site",
    )
    assert response.status_code == 403
    assert not InboundEnvelope.objects.filter(kind=EnvelopeKind.WEB_FOLLOWUP).exists()


def test_sign_out_clears_the_session_and_site_data(client: Client, installed_keys: Keyring) -> None:
    receipt = _submit(client, "ru", "Хочу жить")
    run_worker(installed_keys)
    _sign_in(client, "ru", receipt)
    response = post_form(client, "/ru/inbox/signout", {})
    assert response.status_code == 200
    assert response.headers["Clear-Site-Data"] == '"cache", "cookies", "storage"'
    morsel = response.cookies[COOKIE]
    assert morsel.value == ""
    assert morsel["max-age"] == 0
    assert text_in("ru", "You have signed out") in html(response)
    page = html(client.get("/ru/inbox"))
    assert 'name="receipt"' in page
    assert "Хочу жить" not in page


def test_quick_exit_also_ends_the_session(client: Client, installed_keys: Keyring) -> None:
    receipt = _submit(client, "ko", "안녕")
    run_worker(installed_keys)
    _sign_in(client, "ko", receipt)
    response = client.get("/exit")
    assert response.cookies[COOKIE].value == ""
    assert "안녕" not in html(client.get("/ko/inbox"))


def test_a_forged_cookie_is_ignored_and_removed(client: Client) -> None:
    client.cookies[COOKIE] = "A" * 180
    response = client.get("/en/inbox")
    assert 'name="receipt"' in html(response)
    assert "Your session has ended." in html(response)
    assert response.cookies[COOKIE].value == ""


def test_session_ends_after_twenty_idle_minutes(installed_keys: Keyring) -> None:
    keys = derive_receipt_keys(new_receipt(), installed_keys.public)
    session = applicant_session.new_session(
        private_key=keys.private_key, lookup_hash=keys.lookup_hash
    )
    from django.http import HttpResponse

    response = HttpResponse()
    applicant_session.write_session(response, session)
    request = RequestFactory().get("/en/inbox")
    request.COOKIES[COOKIE] = response.cookies[COOKIE].value
    now = time.time()
    assert applicant_session.read_session(request, now=now + 19 * 60) is not None
    assert applicant_session.read_session(request, now=now + 21 * 60) is None
    # Being active keeps it alive, but not beyond four hours.
    assert applicant_session.read_session(request, now=now + 5 * 3600) is None


def test_cookie_made_with_another_secret_key_is_refused(
    installed_keys: Keyring, settings: SettingsWrapper
) -> None:
    from django.http import HttpResponse

    keys = derive_receipt_keys(new_receipt(), installed_keys.public)
    response = HttpResponse()
    applicant_session.write_session(
        response,
        applicant_session.new_session(private_key=keys.private_key, lookup_hash=keys.lookup_hash),
    )
    request = RequestFactory().get("/en/inbox")
    request.COOKIES[COOKIE] = response.cookies[COOKIE].value
    assert applicant_session.read_session(request) is not None
    settings.SECRET_KEY = "another deployment's key " + "z" * 40
    assert applicant_session.read_session(request) is None


def test_messages_not_sealed_to_the_applicant_are_left_out(
    client: Client, installed_keys: Keyring, personas: dict[str, Account]
) -> None:
    receipt = _submit(client, "ru", "Первое сообщение")
    run_worker(installed_keys)
    contact = Contact.objects.get()
    # A reply to the same contact sealed only to the programme (as for messengers).
    Contact.objects.filter(pk=contact.pk).update(applicant_public_key=None)
    post_reply(Case.objects.get(), by=personas["olga"], text="Только для программы")
    Contact.objects.filter(pk=contact.pk).update(
        applicant_public_key=bytes(derive_receipt_keys(receipt, installed_keys.public).public_key)
    )
    _sign_in(client, "ru", receipt)
    page = html(client.get("/ru/inbox"))
    assert "Первое сообщение" in page
    assert "Только для программы" not in page


@pytest.mark.slow
def test_sign_in_costs_the_same_for_right_and_wrong_receipts(client: Client) -> None:
    """With the production Argon2id cost, a wrong receipt takes as long as a right one
    (the derivation always runs), and a malformed one is refused without it."""
    from statistics import median

    from safepassage.crypto import runtime
    from safepassage.crypto.keys import new_keyring

    production = new_keyring()  # ReceiptParams() defaults: t=3, 64 MiB
    assert production.public.receipt_params.memlimit >= 64 * 1024 * 1024
    runtime.install_keyring(production)
    receipt = _submit(client, "en", "timing")
    run_worker(production)

    def timed(typed: str) -> float:
        fresh = Client()
        start = time.perf_counter()
        post_form(fresh, "/en/inbox", {"receipt": typed})
        return time.perf_counter() - start

    # Medians of several, with wide bounds: the machine may be shared.
    right = median(timed(receipt) for _ in range(5))
    wrong = median(timed(new_receipt()) for _ in range(5))
    malformed = median(timed("1234 5678") for _ in range(5))
    assert 0.5 < wrong / right < 2.0
    assert malformed < wrong / 4


def test_a_16_digit_receipt_issued_before_20_digit_ones_still_signs_in(
    client: Client, installed_keys: Keyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Receipts issued before the 20-digit format keep working: same salt, same cost,
    same derivation domain as when they were issued."""
    import safepassage.crypto.receipts as receipts

    def legacy_receipt() -> str:
        payload = "".join(str(secrets.randbelow(10)) for _ in range(15))
        return payload + receipts._luhn_check_digit(payload)

    import safepassage.intake.submissions as submissions

    monkeypatch.setattr(submissions, "new_receipt", legacy_receipt)
    receipt = parse_receipt(_submit(client, "ru", "Здравствуйте"))
    assert len(receipt) == 16
    run_worker(installed_keys)
    _sign_in(client, "ru", receipt)
