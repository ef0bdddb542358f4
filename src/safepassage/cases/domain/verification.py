"""The verification checklist: which evidence was confirmed on a case, by whom, when.

The rule (docs/pending/casework.md): a person counts as verified when at least two
different kinds of evidence are confirmed and one of them ties him to his service
(service number or unit).  A relative's word or a photo alone is what a hostile service
finds easiest to plant; two independent confirmations, one from the service side, make
a planted applicant costlier.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from safepassage.audit.chain import record_event
from safepassage.cases.domain.errors import CaseError
from safepassage.cases.models import Case, VerificationCheck
from safepassage.cases.states import OPERATOR, SUPERVISOR, EvidenceKind
from safepassage.crypto.runtime import get_public_keyring
from safepassage.crypto.sealing import seal

if TYPE_CHECKING:
    from safepassage.accounts.models import Account

MIN_EVIDENCE_KINDS = 2
SERVICE_EVIDENCE = frozenset({EvidenceKind.SERVICE_NUMBER, EvidenceKind.UNIT})
MAX_DETAIL_LENGTH = 500
_CHECKERS = frozenset({OPERATOR, SUPERVISOR})


class VerificationRefused(CaseError):
    """A checklist change was refused; the message is safe to show an operator."""


def confirmed_kinds(case: Case) -> set[str]:
    """The evidence kinds confirmed on ``case`` (one query)."""
    return set(VerificationCheck.objects.filter(case=case).values_list("kind", flat=True))


def verification_shortfall(kinds: set[str]) -> str:
    """Why ``kinds`` do not yet verify a person, or ``""`` when they do."""
    if len(kinds) < MIN_EVIDENCE_KINDS:
        return _("Verification needs at least two different kinds of evidence.")
    if not kinds & SERVICE_EVIDENCE:
        return _("Verification needs the service number or the unit confirmed.")
    return ""


def confirm_evidence(case: Case, *, kind: str, by: Account, detail: str = "") -> VerificationCheck:
    """Tick ``kind`` on ``case``'s checklist as confirmed by ``by`` now.

    ``detail`` (how it was confirmed) is sealed.  Side effects: one ``VerificationCheck``
    row and one ``case.evidence_confirmed`` audit event naming the kind, never the detail.
    """
    if str(by.role) not in _CHECKERS:
        raise VerificationRefused(_("Your role may not verify cases."))
    if kind not in EvidenceKind.values:
        raise VerificationRefused(_("Unknown kind of evidence."))
    detail = detail.strip()
    if len(detail) > MAX_DETAIL_LENGTH:
        raise VerificationRefused(
            _("The detail can be at most %(limit)d characters long.") % {"limit": MAX_DETAIL_LENGTH}
        )
    sealed = seal(detail, to=get_public_keyring()) if detail else None
    try:
        with transaction.atomic():
            check = VerificationCheck.objects.create(
                case=case, kind=kind, checked_by=by, detail=sealed
            )
            record_event(
                "case.evidence_confirmed",
                actor=by,
                object_type="case",
                object_ref=case.reference,
                detail={"kind": kind},
            )
    except IntegrityError:
        raise VerificationRefused(_("This evidence is already confirmed on the case.")) from None
    return check


def withdraw_evidence(case: Case, *, kind: str, by: Account) -> None:
    """Untick ``kind`` (it turned out wrong).  Side effect: a ``case.evidence_withdrawn``
    audit event; the case's state is left alone (a supervisor decides what follows)."""
    if str(by.role) not in _CHECKERS:
        raise VerificationRefused(_("Your role may not verify cases."))
    with transaction.atomic():
        deleted, _rows = VerificationCheck.objects.filter(case=case, kind=kind).delete()
        if not deleted:
            raise VerificationRefused(_("This evidence is not confirmed on the case."))
        record_event(
            "case.evidence_withdrawn",
            actor=by,
            object_type="case",
            object_ref=case.reference,
            detail={"kind": kind},
        )
