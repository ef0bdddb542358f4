"""PreparedQuery: compiled once, and the same objects as the ORM would build."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.db import connection
from django.db.models import QuerySet
from django.test.utils import CaptureQueriesContext

from safepassage.cases.domain import open_case
from safepassage.cases.models import Case, Contact
from safepassage.cases.states import Channel
from safepassage.crypto.blind_index import blind_index
from safepassage.crypto.keys import Keyring
from safepassage.crypto.sealing import Sealed, open_text, seal
from safepassage.db.prepared import PreparedQuery, PreparedUpdate

pytestmark = pytest.mark.django_db


def contact_by_index(channel: Any, index: Any) -> QuerySet[Contact]:
    return (
        Contact.objects.select_related("case")
        .filter(channel=channel, identity_index=index)
        .order_by("id")
    )


CONTACTS: PreparedQuery[Contact] = PreparedQuery(contact_by_index, channel="text", index="hex64")


def make_contact(keyring: Keyring, phone: str) -> Contact:
    case = open_case(channel=Channel.SMS, language="ru")
    return Contact.objects.create(
        case=case,
        channel=Channel.SMS,
        identity=seal(phone, to=keyring.public),
        identity_index=blind_index(keyring, "phone", phone),
        language="ru",
    )


def test_it_builds_the_same_objects_as_the_orm_in_one_query(installed_keys: Keyring) -> None:
    made = make_contact(installed_keys, "+380501112233")
    make_contact(installed_keys, "+380501112244")
    index = blind_index(installed_keys, "phone", "+380501112233")

    with CaptureQueriesContext(connection) as queries:
        found = CONTACTS.all(channel=Channel.SMS, index=index)
        # The related case came with the same query.
        case_reference = found[0].case.reference
    assert len(queries) == 1

    expected = list(contact_by_index(Channel.SMS, index))
    assert [c.pk for c in found] == [c.pk for c in expected] == [made.pk]
    contact = found[0]
    assert case_reference == expected[0].case.reference
    # Converters ran: timestamps are datetimes (SQLite stores text), sealed values open.
    assert contact.created_at == expected[0].created_at
    assert contact.case.created_at == expected[0].case.created_at
    assert isinstance(contact.identity, Sealed)
    assert open_text(contact.identity, installed_keys) == "+380501112233"
    # Instances are real, saveable model instances.
    assert contact._state.adding is False
    contact.language = "uk"
    contact.save(update_fields=["language"])
    assert Contact.objects.get(pk=contact.pk).language == "uk"


def test_new_values_run_the_same_compiled_sql(installed_keys: Keyring) -> None:
    first = make_contact(installed_keys, "+380501110001")
    second = make_contact(installed_keys, "+380501110002")
    templates: list[str] = []

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        templates.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        for contact, phone in ((first, "+380501110001"), (second, "+380501110002")):
            index = blind_index(installed_keys, "phone", phone)
            assert CONTACTS.first(channel=Channel.SMS, index=index) == contact
        missing = blind_index(installed_keys, "phone", "+380500000000")
        assert CONTACTS.first(channel=Channel.SMS, index=missing) is None
    assert len(templates) == 3
    assert len(set(templates)) == 1


def test_a_placeholder_not_used_exactly_once_is_refused() -> None:
    twice: PreparedQuery[Contact] = PreparedQuery(
        lambda index: Contact.objects.filter(identity_index=index, receipt_lookup_hash=index),
        index="hex64",
    )
    with pytest.raises(ValueError, match="exactly once"):
        twice.all(index="0" * 64)
    unused: PreparedQuery[Contact] = PreparedQuery(
        lambda index: Contact.objects.all(),  # noqa: ARG005 - the mistake under test
        index="hex64",
    )
    with pytest.raises(ValueError, match="exactly once"):
        unused.all(index="0" * 64)


def test_values_must_match_the_placeholders(installed_keys: Keyring) -> None:
    with pytest.raises(TypeError):
        CONTACTS.all(channel=Channel.SMS)


def test_a_prepared_update_writes_converted_values_and_honours_its_guard(
    installed_keys: Keyring,
) -> None:
    start_waiting = PreparedUpdate(Case, "waiting_since", only_where_null="waiting_since")
    contact = make_contact(installed_keys, "+380501113344")
    case = contact.case
    Case.objects.filter(pk=case.pk).update(waiting_since=None)
    first = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
    later = datetime(2026, 11, 23, 10, 45, tzinfo=UTC)

    assert start_waiting.run(case.pk, first) == 1
    # The guard keeps the oldest unanswered time.
    assert start_waiting.run(case.pk, later) == 0
    case.refresh_from_db()
    assert case.waiting_since == first

    touch = PreparedUpdate(Contact, "last_inbound_at")
    assert touch.run(contact.pk, later) == 1
    contact.refresh_from_db()
    assert contact.last_inbound_at == later
    with pytest.raises(TypeError):
        touch.run(contact.pk)
    with pytest.raises(ValueError, match="not a column"):
        PreparedUpdate(Case, "contacts")
