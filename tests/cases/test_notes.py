"""Internal notes are sealed, audited without their text, and stored once per form."""

from __future__ import annotations

import pytest

from safepassage.accounts.models import Account
from safepassage.audit.models import AuditEvent
from safepassage.cases.domain import CaseError, add_note
from safepassage.cases.models import Note
from safepassage.crypto.runtime import get_keyring
from safepassage.crypto.sealing import open_text

from .casework import make_case

pytestmark = pytest.mark.django_db


def test_note_is_sealed_and_audited_without_its_text(personas: dict[str, Account]) -> None:
    case = make_case()
    note = add_note(case, by=personas["kim"], text="  Говорит, что их трое  ")
    stored = Note.objects.get(pk=note.pk)
    assert "трое".encode() not in stored.body.blob
    assert open_text(stored.body, get_keyring()) == "Говорит, что их трое"
    event = AuditEvent.objects.get(action="case.note")
    assert event.detail == {"note": note.pk}


def test_the_same_form_token_stores_one_note(personas: dict[str, Account]) -> None:
    case = make_case()
    first = add_note(case, by=personas["kim"], text="one", idempotency_key="note:k1")
    again = add_note(case, by=personas["kim"], text="one", idempotency_key="note:k1")
    assert first.pk == again.pk
    assert Note.objects.count() == 1
    assert AuditEvent.objects.filter(action="case.note").count() == 1


@pytest.mark.parametrize("text", ["", "   ", "x" * 10_001])
def test_empty_or_huge_notes_are_refused(personas: dict[str, Account], text: str) -> None:
    with pytest.raises(CaseError):
        add_note(make_case(), by=personas["kim"], text=text)
    assert not Note.objects.exists()
