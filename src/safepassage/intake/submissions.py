"""Accepting website submissions and follow-ups: seal, commit, then acknowledge.

The intake holds the programme's public key only.  A submission becomes one
``InboundEnvelope`` row whose body (schema in ``safepassage.worker.web``) is sealed
before it is written; the fresh receipt travels inside it, so the receipt's Argon2id
derivation runs in the worker and not on the public request path.
"""

from __future__ import annotations

from typing import Any

from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone

from safepassage.cases.states import Channel
from safepassage.crypto.receipts import new_receipt
from safepassage.crypto.runtime import get_public_keyring
from safepassage.crypto.sealing import seal_envelope_body
from safepassage.envelopes.models import EnvelopeKind, InboundEnvelope
from safepassage.intake import form_tokens
from safepassage.intake.envelope_writer import WRITER, AlreadySent, EnvelopeNotStored
from safepassage.intake.models import SentForm

__all__ = [
    "AlreadySent",
    "EnvelopeNotStored",
    "accept_web_followup",
    "accept_web_submission",
    "note_signin_waiting",
]


def _store_envelope(kind: str, body: dict[str, Any], sent_form: SentForm | None = None) -> None:
    envelope = InboundEnvelope(
        kind=kind,
        channel=Channel.WEB,
        received_at=timezone.now(),
        body=seal_envelope_body(body, to=get_public_keyring()),
    )
    if connection.in_atomic_block:
        # Inside a caller's transaction (a test, a management command) the caller
        # decides when it commits; the process's writer thread could not see it.
        if (
            sent_form is not None
            and SentForm.objects.filter(token_hash=sent_form.token_hash).exists()
        ):
            raise AlreadySent
        try:
            with transaction.atomic():
                envelope.save(force_insert=True)
                if sent_form is not None:
                    sent_form.save(force_insert=True)
        except IntegrityError:
            raise AlreadySent from None
        except DatabaseError:
            raise EnvelopeNotStored from None
        return
    # Returns once the batch holding this envelope is committed.
    WRITER.store(envelope, sent_form=sent_form)


def accept_web_submission(*, fields: dict[str, Any], language: str, form_token: str = "") -> str:
    """Seal a website form into a pending ``web_submission`` envelope; return its receipt.

    ``fields`` are the validated form fields in the envelope schema (``message`` and the
    optional ones).  Side effect: one envelope row, committed before this returns;
    raises EnvelopeNotStored if it could not be.  With ``form_token`` (the form page's
    one-time token) a row remembering the token is committed with it, and a second
    call with the same token stores nothing and raises AlreadySent (the caller shows
    ``form_tokens.receipt_already_sent``).  The receipt exists nowhere else on the
    server in the clear: show it and forget it.
    """
    receipt = new_receipt()
    sent_form = None
    if form_token and form_tokens.is_well_formed(form_token):
        sent_form = form_tokens.sent_form_row(form_token, receipt)
    _store_envelope(
        EnvelopeKind.WEB_SUBMISSION,
        {**fields, "receipt": receipt, "language": language},
        sent_form,
    )
    return receipt


def accept_web_followup(*, lookup_hash: str, language: str, message: str) -> None:
    """Seal a message written in the inbox into a pending ``web_followup`` envelope.

    Side effect: one envelope row, committed before this returns (EnvelopeNotStored if
    not).  The worker adds it to the contact's case, reopening or renewing the case as
    the state machine says.
    """
    _store_envelope(
        EnvelopeKind.WEB_FOLLOWUP,
        {"lookup_hash": lookup_hash, "language": language, "message": message},
    )


def note_signin_waiting(receipt: str) -> None:
    """Ask the worker to serve this receipt's submission first (a sign-in found nothing:
    during a flood it may still be queued).  Sealed like the submission that holds the
    same receipt, and cleared by the worker in its next round.  Best effort: when the
    database is busy the applicant's retry asks again."""
    try:
        _store_envelope(EnvelopeKind.WEB_SIGNIN_WAITING, {"receipt": receipt})
    except EnvelopeNotStored:
        return
