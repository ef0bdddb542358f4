"""Serving first the submissions someone is waiting for.

When a sign-in finds no conversation for a well-formed receipt, the intake leaves a
``web_signin_waiting`` envelope: the receipt, sealed to the programme key like the
submission itself.  During a flood the submission may be thousands of envelopes back
in the queue; each round, the worker opens the waiting envelopes, looks their receipts
up among the pending submissions, and handles those first, so a genuine applicant who
asks is answered within one round however many fakes arrived before or after them.

The lookup needs the pending submissions' receipts: this process keeps them in memory
(receipt → envelope id), filled by opening each pending web submission once (an
X25519 unwrap and a decryption, no Argon2), and drops each entry as soon as its
envelope is no longer pending.  Nothing of it is stored; a waiting envelope is
processed (its body cleared) in the same round.  A fake sign-in costs a dictionary
lookup, and sign-ins are rate-limited before they reach here.
"""

from __future__ import annotations

import logging

from django.db.models import Q
from django.utils import timezone

from safepassage.crypto.errors import CryptoError, MalformedReceipt
from safepassage.crypto.receipts import parse_receipt
from safepassage.crypto.runtime import get_keyring
from safepassage.crypto.sealing import open_envelope_body
from safepassage.envelopes.models import EnvelopeKind, EnvelopeStatus, InboundEnvelope

logger = logging.getLogger(__name__)

# Waiting envelopes looked at per round (sign-ins are rate-limited far below this).
MAX_WAITING = 200


class _PendingReceipts:
    """receipt → pending web submission id, for this process only."""

    def __init__(self) -> None:
        self.by_receipt: dict[str, int] = {}
        self.indexed_up_to = 0

    def refresh(self) -> None:
        """Index the pending submissions not yet seen; forget those handled since."""
        pending = InboundEnvelope.objects.filter(
            kind=EnvelopeKind.WEB_SUBMISSION, status=EnvelopeStatus.PENDING
        )
        still = set(pending.values_list("id", flat=True))
        self.by_receipt = {r: pk for r, pk in self.by_receipt.items() if pk in still}
        keyring = get_keyring()
        for pk, body in pending.filter(id__gt=self.indexed_up_to).values_list("id", "body"):
            self.indexed_up_to = max(self.indexed_up_to, pk)
            receipt = _receipt_in(body, keyring)
            if receipt:
                self.by_receipt[receipt] = pk

    def clear(self) -> None:
        """Forget everything (tests; a new database)."""
        self.by_receipt.clear()
        self.indexed_up_to = 0


_PENDING = _PendingReceipts()


def _receipt_in(body: object, keyring: object) -> str:
    try:
        data = open_envelope_body(body, keyring)  # type: ignore[arg-type]
        value = data.get("receipt")
        return parse_receipt(value) if isinstance(value, str) else ""
    except (CryptoError, MalformedReceipt, TypeError, ValueError):
        return ""


def waited_for() -> list[int]:
    """Ids of pending web submissions someone has tried to sign in for, oldest ask
    first; the waiting envelopes asked are marked processed and their bodies cleared."""
    waiting = list(
        InboundEnvelope.objects.filter(
            Q(retry_at__isnull=True) | Q(retry_at__lte=timezone.now()),
            kind=EnvelopeKind.WEB_SIGNIN_WAITING,
            status=EnvelopeStatus.PENDING,
        )
        .order_by("id")
        .values_list("id", "body")[:MAX_WAITING]
    )
    if not waiting:
        return []
    _PENDING.refresh()
    keyring = get_keyring()
    wanted: list[int] = []
    for _pk, body in waiting:
        found = _PENDING.by_receipt.get(_receipt_in(body, keyring))
        if found is not None and found not in wanted:
            wanted.append(found)
    # One short UPDATE: the asks are answered (or were for nothing pending) either way.
    InboundEnvelope.objects.filter(
        pk__in=[pk for pk, _ in waiting], status=EnvelopeStatus.PENDING
    ).update(status=EnvelopeStatus.PROCESSED, processed_at=timezone.now(), body=None)
    if wanted:
        logger.info("serving %s waited-for submissions first", len(wanted))
    return wanted


def forget_pending_receipts() -> None:
    """Drop this process's index (tests that start from an empty database)."""
    _PENDING.clear()
