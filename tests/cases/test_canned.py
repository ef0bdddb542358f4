"""Canned replies: placeholders checked on save and filled per case."""

from __future__ import annotations

import pytest

from safepassage.accounts.models import Account
from safepassage.audit.models import AuditEvent
from safepassage.cases.domain import (
    InvalidCannedReply,
    PlaceholderValues,
    canned_replies_for,
    render_canned_reply,
    save_canned_reply,
    unfilled_placeholders,
)
from safepassage.cases.models import CannedReply

from .casework import make_case

pytestmark = pytest.mark.django_db


def _values(name: str = "") -> PlaceholderValues:
    return PlaceholderValues(name=name, reference="K7Q-4MX-9TD", operator="Kim")


def test_placeholders_are_filled(personas: dict[str, Account]) -> None:
    reply = save_canned_reply(
        by=personas["sofia"],
        language="ko",
        title="Greeting",
        body="{name}님, 안녕하세요. 담당자 {operator}입니다. 사건 번호 {reference}.",
    )
    text = render_canned_reply(reply, values=_values("김철수"))
    assert text == "김철수님, 안녕하세요. 담당자 Kim입니다. 사건 번호 K7Q-4MX-9TD."
    assert AuditEvent.objects.get(action="canned.saved").detail == {
        "language": "ko",
        "active": True,
    }


def test_an_unknown_name_stays_visible_for_the_operator_to_fill(
    personas: dict[str, Account],
) -> None:
    reply = save_canned_reply(
        by=personas["sofia"], language="ru", title="Hi", body="Здравствуйте, {name}!"
    )
    text = render_canned_reply(reply, values=_values())
    assert text == "Здравствуйте, {name}!"
    assert unfilled_placeholders(text) == ["name"]


def test_literal_braces_are_kept() -> None:
    reply = CannedReply(language="en", title="t", body="Use {{name}} for {reference}")
    assert render_canned_reply(reply, values=_values()) == "Use {name} for K7Q-4MX-9TD"


@pytest.mark.parametrize(
    "body",
    [
        "Hello {phone}",  # unknown placeholder
        "Hello {name.__class__}",  # attribute access would reach Python objects
        "Hello {name!r}",
        "Hello {name:>30}",
        "Hello {0}",
        "Hello {",
        "Hello {}",
    ],
)
def test_malformed_templates_are_refused(personas: dict[str, Account], body: str) -> None:
    with pytest.raises(InvalidCannedReply):
        save_canned_reply(by=personas["sofia"], language="en", title="Bad", body=body)
    assert not CannedReply.objects.exists()


def test_titles_are_unique_per_language(personas: dict[str, Account]) -> None:
    save_canned_reply(by=personas["sofia"], language="ko", title="Greeting", body="안녕하세요")
    with pytest.raises(InvalidCannedReply, match="already"):
        save_canned_reply(by=personas["sofia"], language="ko", title="Greeting", body="다른")
    save_canned_reply(by=personas["sofia"], language="ru", title="Greeting", body="Привет")


def test_only_active_replies_in_the_case_language_are_offered(
    personas: dict[str, Account],
) -> None:
    by = personas["sofia"]
    offered = save_canned_reply(by=by, language="ko", title="A", body="가")
    save_canned_reply(by=by, language="ko", title="B", body="나", is_active=False)
    save_canned_reply(by=by, language="ru", title="C", body="в")
    assert canned_replies_for(make_case(language="ko")) == [offered]
