"""The register through the console pages: forms keep what was typed when refused."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from safepassage.accounts.models import Account
from safepassage.register.domain import verify_bureau_export
from safepassage.register.models import BureauExport, CapturedPerson

from ..console.helpers import force_verified_login
from .support import days_ago, registered, surrendered_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def roman(personas: dict[str, Account]) -> Client:
    client = Client()
    force_verified_login(client, personas["roman"])
    return client


def _url(name: str, record: CapturedPerson, **kwargs: object) -> str:
    return reverse(f"console:{name}", kwargs={"number": record.number, **kwargs})


def _edit_data(record: CapturedPerson, **changes: str) -> dict[str, str]:
    data = {
        "version": str(record.version),
        "surname": "김",
        "first_names": "철수",
        "rank": "하사",
        "date_of_birth": "1999-03-14",
        "service_number": "KPA-7731-0042",
        "power": "",
        "place_of_birth": "",
        "father_first_name": "",
        "mother_maiden_name": "",
        "person_to_inform": "",
        "family_address": "",
        "capture_place": "",
        "prisoner_number": "",
        "health": "good",
        "capture_date": days_ago(20).isoformat(),
        "card_language": "ko",
        "detaining_language": "uk",
    }
    data.update(changes)
    return data


def test_registrar_opens_a_record_for_an_old_surrendered_case(
    personas: dict[str, Account], roman: Client
) -> None:
    case = surrendered_case(personas["kim"])
    CapturedPerson.objects.filter(case=case).delete()  # surrendered before the register
    index = roman.get(reverse("console:register"))
    assert case.reference.encode() in index.content
    response = roman.post(reverse("console:register-open", kwargs={"ref": case.reference}))
    record = CapturedPerson.objects.get(case=case)
    assert response.status_code == 302
    assert response["Location"] == _url("register-record", record)


def test_edit_form_says_what_art17_asks_and_keeps_input_on_errors(
    personas: dict[str, Account], roman: Client
) -> None:
    record = CapturedPerson.objects.get(case=surrendered_case(personas["kim"]))
    page = roman.get(_url("register-edit", record))
    assert b"bound to give only" in page.content
    response = roman.post(
        _url("register-edit", record),
        _edit_data(record, date_of_birth="2999-01-01", capture_date=days_ago(-2).isoformat()),
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "The date of birth is in the future." in text
    assert "The date of capture is in the future." in text
    assert 'value="KPA-7731-0042"' in text  # everything typed is still there
    assert 'value="김"' in text
    record.refresh_from_db()
    assert record.surname is None  # nothing half-saved
    ok = roman.post(_url("register-edit", record), _edit_data(record))
    assert ok.status_code == 302
    record.refresh_from_db()
    assert record.surname is not None


def test_welfare_entry_refused_comes_back_with_what_was_typed(
    personas: dict[str, Account], roman: Client
) -> None:
    record = registered(personas["kim"], personas["roman"], captured_days_ago=20)
    response = roman.post(
        _url("register-event", record),
        {
            "version": record.version,
            "kind": "arrival",
            "occurred_on": days_ago(25).isoformat(),
            "place": "Табір № 9",
            "prisoner_number": "0999",
            "note": "Прибув автобусом",
        },
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "before his capture" in text
    assert 'value="Табір № 9"' in text
    assert "Прибув автобусом" in text
    assert not record.events.exists()


def test_registrar_prints_downloads_and_sends_a_card(
    personas: dict[str, Account], roman: Client
) -> None:
    record = registered(personas["kim"], personas["roman"], captured_days_ago=20)
    response = roman.post(
        _url("register-event", record),
        {
            "version": record.version,
            "kind": "arrival",
            "occurred_on": days_ago(3).isoformat(),
            "place": "Табір № 1",
            "prisoner_number": "0173",
            "note": "",
        },
    )
    assert response.status_code == 302
    record.refresh_from_db()
    response = roman.post(_url("register-card-issue", record), {"version": record.version})
    assert response.status_code == 302
    card = record.cards.get()
    assert card.status == "issued"
    pdf = roman.get(_url("register-card-pdf", record, card_id=card.pk))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"].startswith("attachment;")
    assert pdf.content.startswith(b"%PDF")
    roman.post(
        _url("register-card-sent", record, card_id=card.pk), {"sent_on": days_ago(0).isoformat()}
    )
    card.refresh_from_db()
    assert card.status == "sent"
    # A second card for the same situation: refused with a message, nothing created.
    record.refresh_from_db()
    again = roman.post(
        _url("register-card-issue", record), {"version": record.version}, follow=True
    )
    assert b"exactly this information was sent" in again.content
    assert record.cards.count() == 1


def test_wish_and_consent_forms(personas: dict[str, Account], roman: Client) -> None:
    record = registered(personas["kim"], personas["roman"], captured_days_ago=20)
    response = roman.post(
        _url("register-wish", record),
        {"version": record.version, "wish": "join_defence", "stated_on": days_ago(2).isoformat()},
    )
    assert response.status_code == 302
    record.refresh_from_db()
    page = roman.get(_url("register-record", record))
    assert b"Join a unit in Ukraine" in page.content
    response = roman.post(
        _url("register-consent", record), {"version": record.version, "filming": "on"}
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert (record.filming_consent, record.publication_consent) == (True, False)


def test_supervisor_approves_and_the_downloads_verify(personas: dict[str, Account]) -> None:
    registered(personas["kim"], personas["roman"])
    registrar, supervisor = Client(), Client()
    force_verified_login(registrar, personas["roman"])
    force_verified_login(supervisor, personas["sofia"])
    response = registrar.post(reverse("console:register-export-prepare"))
    export = BureauExport.objects.get()
    assert response["Location"] == reverse(
        "console:register-export", kwargs={"batch": export.number}
    )
    # Not yet approved: no download.
    early = registrar.get(reverse("console:register-export-file", kwargs={"batch": 1}))
    assert early.status_code == 302
    review = supervisor.get(reverse("console:register-export", kwargs={"batch": 1}))
    assert b"Approve and sign" in review.content
    supervisor.post(reverse("console:register-export-approve", kwargs={"batch": 1}))
    data = registrar.get(reverse("console:register-export-file", kwargs={"batch": 1})).content
    signature = registrar.get(
        reverse("console:register-export-signature", kwargs={"batch": 1})
    ).content
    key = supervisor.get(reverse("console:register-verify-key")).content
    assert key.startswith(b"-----BEGIN PUBLIC KEY-----")
    assert verify_bureau_export(data, signature, key)
    assert not verify_bureau_export(data.replace("김".encode(), "박".encode()), signature, key)


def test_registrar_cannot_approve_through_the_console(
    personas: dict[str, Account], roman: Client
) -> None:
    registered(personas["kim"], personas["roman"])
    roman.post(reverse("console:register-export-prepare"))
    response = roman.post(reverse("console:register-export-approve", kwargs={"batch": 1}))
    assert response.status_code == 403
    assert BureauExport.objects.get().status == "pending"
