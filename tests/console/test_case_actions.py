"""Working a case from the workspace: replies, notes, moves, identity, assignment.

Bad input — stale forms, invalid moves, double submits, forged ids — gets a clear
message, keeps what was typed, and changes nothing twice.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from nacl.public import PrivateKey

from safepassage.accounts.models import Account
from safepassage.audit.models import AuditEvent
from safepassage.cases.domain import (
    claim_case,
    open_identity,
    save_canned_reply,
    transition_case,
)
from safepassage.cases.models import Case, Contact, Direction, Message, Note
from safepassage.console.forms.common import new_form_token
from safepassage.crypto.sealing import open_text_as_applicant

from ..cases.casework import make_case, reload
from .helpers import force_verified_login

pytestmark = pytest.mark.django_db


def _client(account: Account) -> Client:
    client = Client()
    force_verified_login(client, account)
    return client


def _url(name: str, case: Case) -> str:
    return reverse(f"console:{name}", args=[case.reference])


def _reply(client: Client, case: Case, text: str, token: str | None = None) -> object:
    contact = case.contacts.order_by("id").first()
    assert contact is not None
    return client.post(
        _url("case-reply", case),
        {"text": text, "contact": contact.pk, "token": token or new_form_token()},
    )


def test_reply_reaches_the_applicants_inbox_sealed_to_their_key(
    personas: dict[str, Account],
) -> None:
    applicant = PrivateKey.generate()
    case = make_case(language="ko", applicant_key=applicant)
    response = _reply(_client(personas["kim"]), case, "안녕하세요, 도와드리겠습니다.")
    assert response.status_code == 302  # type: ignore[attr-defined]
    reply = Message.objects.get(case=case, direction=Direction.OUTBOUND)
    assert open_text_as_applicant(reply.body, applicant) == "안녕하세요, 도와드리겠습니다."
    assert reply.status == "delivered"  # web replies are delivered by being stored
    stored = reload(case)
    assert stored.waiting_since is None
    assert stored.first_response_at is not None
    # Answering a case nobody worked takes it, so no colleague answers twice.
    assert stored.assigned_to_id == personas["kim"].pk


def test_a_double_submitted_reply_is_stored_once(personas: dict[str, Account]) -> None:
    case = make_case()
    client = _client(personas["kim"])
    token = new_form_token()
    _reply(client, case, "한 번만", token)
    response = client.post(
        _url("case-reply", case),
        {"text": "한 번만", "contact": case.contacts.get().pk, "token": token},
        follow=True,
    )
    assert Message.objects.filter(case=case, direction=Direction.OUTBOUND).count() == 1
    assert AuditEvent.objects.filter(action="message.reply").count() == 1
    assert "already been sent" in response.content.decode()


def test_a_reply_through_another_cases_contact_is_refused(personas: dict[str, Account]) -> None:
    case, other = make_case(), make_case()
    response = _client(personas["kim"]).post(
        _url("case-reply", case),
        {"text": "x", "contact": other.contacts.get().pk, "token": new_form_token()},
    )
    assert response.status_code == 400
    assert not Message.objects.filter(direction=Direction.OUTBOUND).exists()


def test_canned_reply_fills_the_reply_box(personas: dict[str, Account]) -> None:
    canned = save_canned_reply(
        by=personas["sofia"],
        language="ko",
        title="인사",
        body="안녕하세요. 저는 {operator}입니다. 사건 {reference}.",
    )
    save_canned_reply(by=personas["sofia"], language="ru", title="Привет", body="Здравствуйте")
    case = make_case(language="ko")
    account = Account.objects.get(pk=personas["kim"].pk)
    response = _client(account).get(_url("case", case), {"canned": canned.pk})
    body = response.content.decode()
    assert f"안녕하세요. 저는 {account.display_name}입니다. 사건 {case.reference}." in body
    assert "Здравствуйте" not in body  # other languages are not offered


def test_a_reply_with_an_unfilled_placeholder_is_kept_and_refused(
    personas: dict[str, Account],
) -> None:
    case = make_case(language="ru")
    response = _reply(_client(personas["kim"]), case, "Здравствуйте, {name}! Мы на связи.")
    assert response.status_code == 400  # type: ignore[attr-defined]
    body = response.content.decode()  # type: ignore[attr-defined]
    assert "Fill in {name} before sending." in body
    assert "Здравствуйте, {name}! Мы на связи." in body  # nothing typed is lost
    assert not Message.objects.filter(direction=Direction.OUTBOUND).exists()


def test_note_is_saved_once_per_form(personas: dict[str, Account]) -> None:
    case = make_case()
    client = _client(personas["kim"])
    token = new_form_token()
    for _ in range(2):
        client.post(_url("case-note", case), {"text": "그룹 세 명", "token": token})
    assert Note.objects.filter(case=case).count() == 1
    assert "그룹 세 명" in client.get(_url("case", case)).content.decode()


def test_operator_moves_a_case_forward(personas: dict[str, Account]) -> None:
    case = make_case()
    client = _client(personas["kim"])
    response = client.post(
        _url("case-transition", case), {"to": "engaged", "version": case.version}
    )
    assert response.status_code == 302
    assert reload(case).state == "engaged"


def test_a_stale_move_is_refused_with_a_clear_message(personas: dict[str, Account]) -> None:
    case = make_case()
    rendered = case.version
    transition_case(case, to="engaged", by=personas["sofia"])
    response = _client(personas["kim"]).post(
        _url("case-transition", case), {"to": "engaged", "version": rendered}
    )
    assert response.status_code == 409
    assert "changed while you were working on it" in response.content.decode()
    assert reload(case).state == "engaged"
    assert AuditEvent.objects.filter(action="case.transition").count() == 1


def test_a_move_the_state_machine_forbids_is_refused(personas: dict[str, Account]) -> None:
    case = make_case()
    response = _client(personas["kim"]).post(
        _url("case-transition", case), {"to": "surrendered", "version": case.version}
    )
    assert response.status_code == 400
    assert "cannot be moved there" in response.content.decode()
    assert reload(case).state == "new"


def test_an_operator_cannot_close_even_by_forging_the_form(personas: dict[str, Account]) -> None:
    case = make_case()
    response = _client(personas["kim"]).post(
        _url("case-transition", case),
        {"to": "closed", "reason": "withdrawn", "version": case.version},
    )
    assert response.status_code == 404
    assert reload(case).state == "new"


def test_closing_needs_a_reason(personas: dict[str, Account]) -> None:
    case = make_case()
    client = _client(personas["sofia"])
    response = client.post(_url("case-transition", case), {"to": "closed", "version": case.version})
    assert response.status_code == 400
    assert "Choose why the case is closed." in response.content.decode()
    client.post(
        _url("case-transition", case),
        {"to": "closed", "reason": "withdrawn", "version": case.version},
    )
    assert (reload(case).state, reload(case).close_reason) == ("closed", "withdrawn")


def test_identity_is_saved_sealed_and_shown_again(personas: dict[str, Account]) -> None:
    case = make_case(language="ru")
    client = _client(personas["kim"])
    data = {
        "name": "Петров Пётр",
        "rank": "рядовой",
        "unit": "",
        "service_number": "",
        "date_of_birth": "01.02.1999",
        "area": "",
        "group_size": "3",
        "version": case.version,
    }
    assert client.post(_url("case-identity", case), data).status_code == 302
    stored = reload(case)
    assert open_identity(stored)["name"] == "Петров Пётр"
    assert stored.group_size == 3
    assert "Петров Пётр" in client.get(_url("case", case)).content.decode()


def test_a_bad_date_of_birth_keeps_everything_typed(personas: dict[str, Account]) -> None:
    case = make_case(language="ru")
    response = _client(personas["kim"]).post(
        _url("case-identity", case),
        {"name": "Сидоров", "date_of_birth": "31.31.1999", "version": case.version},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "YYYY-MM-DD or DD.MM.YYYY" in body
    assert 'value="Сидоров"' in body
    assert reload(case).name is None


def test_a_stale_identity_form_keeps_the_typing_and_changes_nothing(
    personas: dict[str, Account],
) -> None:
    case = make_case(language="ru")
    rendered = case.version
    claim_case(case, by=personas["kim"])  # the case moves on meanwhile
    response = _client(personas["kim"]).post(
        _url("case-identity", case), {"name": "Сидоров", "version": rendered}
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "changed while you were working on it" in body
    assert 'value="Сидоров"' in body
    assert f'name="version" value="{reload(case).version}"' in body
    assert reload(case).name is None


def test_media_consent_and_relatives_from_the_workspace(personas: dict[str, Account]) -> None:
    case = make_case(language="ru")
    client = _client(personas["olga"])
    client.post(_url("case-media", case), {"no_filming": "on", "version": case.version})
    assert reload(case).no_filming
    assert "No filming, no publication" in client.get(_url("case", case)).content.decode()
    response = client.post(
        _url("case-relative", case),
        {"channel": "sms", "identity": "+7 912 000 11 22", "relation": "relative"},
    )
    assert response.status_code == 302
    assert Contact.objects.filter(case=case, relation="relative").count() == 1


def test_supervisor_reassigns_and_operators_cannot(personas: dict[str, Account]) -> None:
    case = claim_case(make_case(language="ru"), by=personas["kim"])
    forged = _client(personas["kim"]).post(
        _url("case-assign", case), {"account": personas["kim"].pk, "version": case.version}
    )
    assert forged.status_code == 403
    response = _client(personas["sofia"]).post(
        _url("case-assign", case), {"account": personas["olga"].pk, "version": case.version}
    )
    assert response.status_code == 302
    assert reload(case).assigned_to_id == personas["olga"].pk


def test_assigning_to_someone_who_does_not_read_the_language_is_refused(
    personas: dict[str, Account],
) -> None:
    case = make_case(language="ko")
    response = _client(personas["sofia"]).post(
        _url("case-assign", case), {"account": personas["olga"].pk, "version": case.version}
    )
    assert response.status_code == 400
    assert "Choose someone from the list." in response.content.decode()
    assert reload(case).assigned_to_id is None


def test_release_puts_the_case_back(personas: dict[str, Account]) -> None:
    case = claim_case(make_case(), by=personas["kim"])
    response = _client(personas["kim"]).post(_url("case-release", case), {"version": case.version})
    assert response.status_code == 302
    assert reload(case).assigned_to_id is None


def test_posting_to_another_operators_case_changes_nothing(personas: dict[str, Account]) -> None:
    case = claim_case(make_case(language="ru"), by=personas["olga"])
    client = _client(personas["kim"])
    for name, data in [
        ("case-reply", {"text": "x", "contact": case.contacts.get().pk, "token": new_form_token()}),
        ("case-note", {"text": "x", "token": new_form_token()}),
        ("case-transition", {"to": "engaged", "version": case.version}),
        ("case-identity", {"name": "x", "version": case.version}),
        ("case-release", {"version": case.version}),
    ]:
        assert client.post(_url(name, case), data).status_code == 404, name
    stored = reload(case)
    assert (stored.state, stored.assigned_to_id, stored.name) == ("new", personas["olga"].pk, None)
    assert not Note.objects.exists()
    assert not Message.objects.filter(direction=Direction.OUTBOUND).exists()


def test_a_damaged_form_token_is_refused(personas: dict[str, Account]) -> None:
    case = make_case()
    response = _reply(_client(personas["kim"]), case, "x", token="not-a-token")
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert "The form is damaged" in response.content.decode()  # type: ignore[attr-defined]


def test_the_first_reply_moves_a_new_case_to_engaged(personas: dict[str, Account]) -> None:
    case = make_case(language="ko")
    _reply(_client(personas["kim"]), case, "안녕하세요")
    assert reload(case).state == "engaged"
    moves = AuditEvent.objects.filter(action="case.transition", object_ref=case.reference)
    assert [(e.actor_label, e.detail["to"]) for e in moves] == [("kim", "engaged")]
    _reply(_client(personas["kim"]), case, "다시 연락드립니다")
    assert moves.count() == 1


def test_an_operator_is_not_offered_a_reason_for_closing(personas: dict[str, Account]) -> None:
    case = make_case(language="ko")
    page = _client(personas["kim"]).get(_url("case", case)).content.decode()
    assert 'id="transition-form"' in page
    assert "Reason for closing" not in page
    supervisor_page = _client(personas["sofia"]).get(_url("case", case)).content.decode()
    assert "Reason for closing" in supervisor_page


def test_a_reason_with_a_move_that_is_not_a_closing_is_refused(
    personas: dict[str, Account],
) -> None:
    case = make_case()
    response = _client(personas["sofia"]).post(
        _url("case-transition", case),
        {"to": "engaged", "reason": "withdrawn", "version": case.version},
    )
    assert response.status_code == 400
    assert "only when closing" in response.content.decode()
    assert reload(case).state == "new"
