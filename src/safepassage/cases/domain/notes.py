"""Internal notes: sealed, for colleagues only, never shown to the applicant."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from safepassage.audit.chain import record_event
from safepassage.cases.domain.errors import CaseError
from safepassage.cases.models import Case, Note
from safepassage.crypto.runtime import get_public_keyring
from safepassage.crypto.sealing import seal

if TYPE_CHECKING:
    from safepassage.accounts.models import Account

MAX_NOTE_LENGTH = 10_000


def add_note(case: Case, *, by: Account, text: str, idempotency_key: str = "") -> Note:
    """Store an internal note on ``case``, sealed to the programme key.

    A repeated ``idempotency_key`` (a form submitted twice) returns the note already
    stored for it instead of a second one.  Side effects: one ``Note`` row and one
    ``case.note`` audit event (which names the note, never its text).
    """
    text = text.strip()
    if not text:
        raise CaseError(_("A note cannot be empty."))
    if len(text) > MAX_NOTE_LENGTH:
        raise CaseError(
            _("A note can be at most %(limit)d characters long.") % {"limit": MAX_NOTE_LENGTH}
        )
    if idempotency_key:
        existing = Note.objects.filter(idempotency_key=idempotency_key, case=case).first()
        if existing is not None:
            return existing
    body = seal(text, to=get_public_keyring())
    try:
        with transaction.atomic():
            note = Note.objects.create(
                case=case, author=by, body=body, idempotency_key=idempotency_key
            )
            record_event(
                "case.note",
                actor=by,
                object_type="case",
                object_ref=case.reference,
                detail={"note": note.pk},
            )
    except IntegrityError:
        # The same form raced itself; the first submission's note stands.
        existing = Note.objects.filter(idempotency_key=idempotency_key, case=case).first()
        if existing is None:
            raise
        return existing
    return note
