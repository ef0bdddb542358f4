"""Who sees what of the register: the registrar the register, an operator only that a
case is registered, an analyst only counts, an admin nothing."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from safepassage.accounts.models import Account
from safepassage.audit.models import AuditEvent
from safepassage.register.domain import prepare_bureau_export
from safepassage.register.models import CapturedPerson

from ..console.helpers import force_verified_login
from .support import days_ago, log, registered

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(personas: dict[str, Account]) -> CapturedPerson:
    record = registered(personas["kim"], personas["roman"])
    log(record, personas["roman"], "arrival", days_ago(3), place="Табір № 1")
    return record


def _client(account: Account) -> Client:
    client = Client()
    force_verified_login(client, account)
    return client


def _register_urls(record: CapturedPerson) -> list[str]:
    number = {"number": record.number}
    return [
        reverse("console:register"),
        reverse("console:register-cards"),
        reverse("console:register-record", kwargs=number),
        reverse("console:register-edit", kwargs=number),
    ]


def test_registrar_sees_the_register(record: CapturedPerson, personas: dict[str, Account]) -> None:
    client = _client(personas["roman"])
    index = client.get(reverse("console:register"))
    assert index.status_code == 200
    assert record.number.encode() in index.content
    assert "김".encode() in index.content
    assert "철수".encode() in index.content
    page = client.get(reverse("console:register-record", kwargs={"number": record.number}))
    assert page.status_code == 200
    for value in ("KPA-7731-0042", "Табір № 1", "평안남도 순천시"):
        assert value.encode() in page.content
    viewed = AuditEvent.objects.filter(action="register.viewed", actor_label="roman")
    assert {event.detail["what"] for event in viewed} == {"list", "record"}
    assert all("김" not in str(event.detail) for event in viewed)


def test_registrar_gets_not_found_for_an_unknown_record(personas: dict[str, Account]) -> None:
    response = _client(personas["roman"]).get(
        reverse("console:register-record", kwargs={"number": "R-AAAA-AAAA"})
    )
    assert response.status_code == 404


@pytest.mark.parametrize("persona", ["kim", "olga", "sofia", "anna", "adam"])
def test_no_one_else_opens_the_register(
    record: CapturedPerson, personas: dict[str, Account], persona: str
) -> None:
    client = _client(personas[persona])
    for url in _register_urls(record):
        response = client.get(url)
        assert response.status_code == 403, (persona, url)
        assert "김".encode() not in response.content
        assert record.number.encode() not in response.content


def test_operator_sees_only_that_the_case_is_registered(
    record: CapturedPerson, personas: dict[str, Account]
) -> None:
    url = reverse("console:register-case-status", kwargs={"ref": record.case.reference})
    response = _client(personas["kim"]).get(url)
    assert response.status_code == 200
    assert b"Registered" in response.content
    for secret in (record.number, "김", "Табір", "KPA-7731"):
        assert secret.encode() not in response.content
    # An operator who may not see the case learns nothing, not even "registered".
    assert _client(personas["olga"]).get(url).status_code == 404


def test_operator_sees_an_unregistered_case_as_such(personas: dict[str, Account]) -> None:
    from safepassage.cases.domain import open_case

    case = open_case(channel="web", language="ko")
    url = reverse("console:register-case-status", kwargs={"ref": case.reference})
    response = _client(personas["kim"]).get(url)
    assert b"Not in the captured-person register" in response.content


@pytest.mark.parametrize("persona", ["roman", "anna", "adam"])
def test_roles_without_case_work_get_no_case_status(
    record: CapturedPerson, personas: dict[str, Account], persona: str
) -> None:
    url = reverse("console:register-case-status", kwargs={"ref": record.case.reference})
    assert _client(personas[persona]).get(url).status_code == 403


def test_analyst_sees_only_counts_with_small_cells_hidden(
    record: CapturedPerson, personas: dict[str, Account]
) -> None:
    response = _client(personas["anna"]).get(reverse("console:register-counts"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "People in the register" in text
    assert "fewer than 5" in text
    assert record.number not in text
    assert "김" not in text
    assert "<dd>1</dd>" not in text  # one person in the register is a small cell
    assert _client(personas["anna"]).get(reverse("console:register-exports")).status_code == 403


def test_supervisor_sees_exact_counts_and_reviews_batches_but_not_records(
    record: CapturedPerson, personas: dict[str, Account]
) -> None:
    client = _client(personas["sofia"])
    counts = client.get(reverse("console:register-counts")).content.decode()
    assert "<dd>1</dd>" in counts
    export = prepare_bureau_export(by=personas["roman"])
    review = client.get(reverse("console:register-export", kwargs={"batch": export.number}))
    assert review.status_code == 200
    assert "김".encode() in review.content  # the reviewer reads what will be sent
    assert AuditEvent.objects.filter(action="register.viewed", actor_label="sofia").exists()
    record_url = reverse("console:register-record", kwargs={"number": record.number})
    assert client.get(record_url).status_code == 403


@pytest.mark.parametrize("persona", ["kim", "anna", "adam"])
def test_batches_and_the_key_are_for_registrar_and_supervisor(
    record: CapturedPerson, personas: dict[str, Account], persona: str
) -> None:
    export = prepare_bureau_export(by=personas["roman"])
    client = _client(personas[persona])
    for url in (
        reverse("console:register-exports"),
        reverse("console:register-export", kwargs={"batch": export.number}),
        reverse("console:register-verify-key"),
    ):
        assert client.get(url).status_code == 403, url


def test_anonymous_visitors_are_sent_to_sign_in(record: CapturedPerson) -> None:
    for url in _register_urls(record):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("console:sign-in"))


def _queries_for_register_page(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("console:register"))
    assert response.status_code == 200
    return len(queries)


def test_register_page_queries_do_not_grow_with_records(personas: dict[str, Account]) -> None:
    registered(personas["kim"], personas["roman"])
    client = _client(personas["roman"])
    client.get(reverse("console:register"))  # the first request also loads the session
    one = _queries_for_register_page(client)
    for _ in range(2):
        registered(personas["kim"], personas["roman"])
    assert _queries_for_register_page(client) == one
