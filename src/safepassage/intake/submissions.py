"""Accepting website submissions and follow-ups: seal, commit, then acknowledge.

The intake holds the programme's public key only.  A submission becomes one
``InboundEnvelope`` row whose body (schema in ``safepassage.worker.web``) is sealed
before it is written; the fresh receipt travels inside it, so the receipt's Argon2id
derivation runs in the worker and not on the public request path.
"""

from __future__ import annotations

from typing import Any

from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from safepassage.cases.states import Channel
from safepassage.crypto.receipts import new_receipt
from safepassage.crypto.runtime import get_public_keyring
from safepassage.crypto.sealing import seal_envelope_body
from safepassage.envelopes.models import EnvelopeKind, InboundEnvelope
from safepassage.intake.envelope_writer import WRITER, EnvelopeNotStored

__all__ = [
    "EnvelopeNotStored",
    "accept_web_followup",
    "accept_web_submission",
    "note_signin_waiting",
]


def _store_envelope(kind: str, body: dict[str, Any]) -> None:
    envelope = InboundEnvelope(
        kind=kind,
        channel=Channel.WEB,
        received_at=timezone.now(),
        body=seal_envelope_body(body, to=get_public_keyring()),
    )
    if connection.in_atomic_block:
        # Inside a caller's transaction (a test, a management command) the caller
        # decides when it commits; the process's writer thread could not see it.
        try:
            with transaction.atomic():
                envelope.save(force_insert=True)
        except DatabaseError:
            raise EnvelopeNotStored from None
        return
    # Returns once the batch holding this envelope is committed.
    WRITER.store(envelope)


def accept_web_submission(*, fields: dict[str, Any], language: str) -> str:
    """Seal a website form into a pending ``web_submission`` envelope; return its receipt.

    ``fields`` are the validated form fields in the envelope schema (``message`` and the
    optional ones).  Side effect: one envelope row, committed before this returns;
    raises EnvelopeNotStored if it could not be.  The receipt exists nowhere else on
    the server: show it once and forget it.
    """
    receipt = new_receipt()
    _store_envelope(
        EnvelopeKind.WEB_SUBMISSION, {**fields, "receipt": receipt, "language": language}
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
