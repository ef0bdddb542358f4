"""Rate limits: per client and global, for submissions and receipt sign-ins; over the
limit the applicant gets a localised 429 page that keeps what was typed."""

from __future__ import annotations

import threading
import time

import pytest
from django.test import Client, RequestFactory
from pytest_django.fixtures import Settings as SettingsWrapper

from safepassage.crypto.keys import Keyring
from safepassage.crypto.receipts import new_receipt
from safepassage.envelopes.models import InboundEnvelope
from safepassage.intake import throttling
from safepassage.intake.conf import Rate, current_limits, parse_rate
from safepassage.security.addresses import client_address

from .helpers import LANGUAGES, html, post_form, receipt_from, run_worker, text_in

BUSY = (
    "There are too many requests right now, so nothing was sent. What you wrote is kept "
    "below: please try again in a few minutes."
)


def test_rates_are_read_as_count_per_seconds() -> None:
    assert parse_rate("10/600") == Rate(10, 600)
    assert parse_rate("5") == Rate(5, 1)
    assert not parse_rate("0").enabled
    assert not parse_rate("off").enabled
    with pytest.raises(ValueError, match="positive"):
        parse_rate("3/0")


def test_rates_are_shared_out_over_worker_processes() -> None:
    assert Rate(10, 600).share(2) == Rate(5, 600)
    # Never less than one token per process; the refill rate is still divided.
    low = Rate(1, 60).share(4)
    assert low.count == 1
    assert low.per_second == pytest.approx(1 / 240)
    assert Rate(800, 1).share(1) == Rate(800, 1)


def test_configured_limits_are_divided_by_the_worker_count(settings: SettingsWrapper) -> None:
    settings.SAFEPASSAGE_WORKERS = 4
    settings.SAFEPASSAGE_SUBMIT_RATE_GLOBAL = "800/1"
    settings.SAFEPASSAGE_SIGNIN_RATE_CLIENT = "0"
    limits = current_limits()
    assert limits.submit_global == Rate(200, 1)
    assert not limits.signin_client.enabled


def test_token_bucket_refuses_then_refills() -> None:
    bucket = throttling.Throttle(Rate(2, 0.2), Rate(0, 0))
    assert bucket.take(b"a") == 0
    assert bucket.take(b"a") == 0
    wait = bucket.take(b"a")
    assert 0 < wait <= 0.1
    assert bucket.take(b"b") == 0  # another client has its own bucket
    time.sleep(wait + 0.01)
    assert bucket.take(b"a") == 0


def test_a_refused_request_takes_no_token_from_either_bucket() -> None:
    bucket = throttling.Throttle(Rate(1, 100), Rate(2, 100))
    assert bucket.take(b"a") == 0
    assert bucket.take(b"a") > 0  # client empty; the global token is not spent
    assert bucket.take(b"b") == 0
    assert bucket.take(b"c") > 0  # now the global bucket is empty


def test_client_table_is_bounded() -> None:
    bucket = throttling.Throttle(Rate(1, 100), Rate(0, 0), max_clients=3)
    for key in [b"a", b"b", b"c", b"d"]:
        bucket.take(key)
    assert len(bucket._clients) == 3


def test_client_address_trusts_forwarded_for_only_behind_a_proxy(
    settings: SettingsWrapper,
) -> None:
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9"
    )
    settings.SAFEPASSAGE_BEHIND_PROXY = False
    assert client_address(request) == "10.0.0.2"
    settings.SAFEPASSAGE_BEHIND_PROXY = True
    # Only the hop our proxy appended; the client wrote the rest.
    assert client_address(request) == "203.0.113.9"


def test_ipv6_clients_are_grouped_by_their_64() -> None:
    one = RequestFactory().get("/", REMOTE_ADDR="2001:db8:1:2:aaaa::1")
    two = RequestFactory().get("/", REMOTE_ADDR="2001:db8:1:2:bbbb::7")
    other = RequestFactory().get("/", REMOTE_ADDR="2001:db8:1:3::1")
    assert throttling.client_key(one) == throttling.client_key(two)
    assert throttling.client_key(one) != throttling.client_key(other)
    assert b"2001" not in throttling.client_key(one)


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGUAGES)
def test_submissions_over_the_client_limit_get_a_localised_429(
    client: Client, settings: SettingsWrapper, lang: str
) -> None:
    settings.SAFEPASSAGE_SUBMIT_RATE_CLIENT = "2/600"
    for _ in range(2):
        assert post_form(client, f"/{lang}/", {"message": "ok"}).status_code == 200
    response = post_form(client, f"/{lang}/", {"message": "Третье сообщение", "name": "Пётр"})
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    page = html(response)
    assert text_in(lang, BUSY) in page
    assert "Третье сообщение</textarea>" in page
    assert 'value="Пётр"' in page
    assert InboundEnvelope.objects.count() == 2
    # Another client is not held back by this one.
    other = post_form(client, f"/{lang}/", {"message": "ok"}, REMOTE_ADDR="192.0.2.44")
    assert other.status_code == 200


@pytest.mark.django_db
def test_the_global_limit_holds_every_client_back(
    client: Client, settings: SettingsWrapper
) -> None:
    settings.SAFEPASSAGE_SUBMIT_RATE_GLOBAL = "3/600"
    codes = [
        post_form(client, "/ru/", {"message": "x"}, REMOTE_ADDR=f"192.0.2.{n}").status_code
        for n in range(5)
    ]
    assert codes == [200, 200, 200, 429, 429]


@pytest.mark.django_db
def test_invalid_forms_spend_no_submission_token(client: Client, settings: SettingsWrapper) -> None:
    settings.SAFEPASSAGE_SUBMIT_RATE_CLIENT = "1/600"
    for _ in range(3):
        assert post_form(client, "/en/", {"message": ""}).status_code == 400
    assert post_form(client, "/en/", {"message": "now"}).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGUAGES)
def test_receipt_sign_ins_are_throttled_per_client(
    client: Client, settings: SettingsWrapper, lang: str
) -> None:
    settings.SAFEPASSAGE_SIGNIN_RATE_CLIENT = "3/600"
    receipts = [new_receipt() for _ in range(4)]
    codes = [post_form(client, f"/{lang}/inbox", {"receipt": r}).status_code for r in receipts]
    assert codes == [400, 400, 400, 429]
    response = post_form(client, f"/{lang}/inbox", {"receipt": receipts[0]})
    assert response.status_code == 429
    assert text_in(lang, BUSY) in html(response)
    assert f'value="{receipts[0]}"' in html(response)
    assert "Retry-After" in response.headers


@pytest.mark.django_db
def test_receipt_sign_ins_are_throttled_globally(
    client: Client, settings: SettingsWrapper, installed_keys: Keyring
) -> None:
    receipt = receipt_from(post_form(client, "/ko/", {"message": "안녕"}))
    run_worker(installed_keys)
    settings.SAFEPASSAGE_SIGNIN_RATE_GLOBAL = "2/600"
    for n in range(2):
        post_form(client, "/ko/inbox", {"receipt": new_receipt()}, REMOTE_ADDR=f"192.0.2.{n}")
    # Even the right receipt from a fresh address waits now.
    response = post_form(client, "/ko/inbox", {"receipt": receipt}, REMOTE_ADDR="192.0.2.99")
    assert response.status_code == 429


@pytest.mark.django_db
def test_malformed_receipts_spend_no_sign_in_token(
    client: Client, settings: SettingsWrapper, installed_keys: Keyring
) -> None:
    """A malformed receipt is refused before the throttle and before any Argon2id work."""
    receipt = receipt_from(post_form(client, "/en/", {"message": "hello"}))
    run_worker(installed_keys)
    settings.SAFEPASSAGE_SIGNIN_RATE_CLIENT = "1/600"
    for typed in ["123", "1234 5678 9012 345x", "0" * 15 + "1"]:
        assert post_form(client, "/en/inbox", {"receipt": typed}).status_code == 400
    assert post_form(client, "/en/inbox", {"receipt": receipt}).status_code == 303


def _hold_in_thread(slots: throttling.Argon2Slots, release: threading.Event) -> threading.Thread:
    holding = threading.Event()

    def body() -> None:
        with slots.hold():
            holding.set()
            release.wait(5)

    thread = threading.Thread(target=body)
    thread.start()
    assert holding.wait(5)
    return thread


def test_a_sign_in_that_would_wait_past_the_budget_is_refused_at_once() -> None:
    slots = throttling.Argon2Slots(1, budget=0.5)
    slots.typical = 0.3  # a slow machine: two derivations would take 0.6 s
    release = threading.Event()
    thread = _hold_in_thread(slots, release)
    started = time.monotonic()
    with pytest.raises(throttling.Busy), slots.hold():
        pass
    assert time.monotonic() - started < 0.1
    release.set()
    thread.join()
    with slots.hold():  # free again
        pass


def test_a_sign_in_within_the_budget_waits_for_its_slot() -> None:
    slots = throttling.Argon2Slots(1, budget=0.8)
    slots.typical = 0.05
    release = threading.Event()
    thread = _hold_in_thread(slots, release)
    threading.Timer(0.1, release.set).start()
    started = time.monotonic()
    with slots.hold():
        waited = time.monotonic() - started
    assert 0.05 < waited < 0.8
    thread.join()
