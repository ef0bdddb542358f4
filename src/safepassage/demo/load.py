"""Loading the demo: accounts for every role and cases in every state.

Cases go in through the real path — a sealed web envelope that the worker opens —
and are then moved along through the case service layer, so the demo exercises the
same code as production.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

import pyotp
from django.utils import timezone

from safepassage.accounts.models import Account, Role
from safepassage.campaigns.models import Campaign, Medium
from safepassage.cases.domain import post_reply, transition_case
from safepassage.cases.models import Case
from safepassage.cases.states import CaseState, CloseReason
from safepassage.crypto.receipts import format_receipt, new_receipt
from safepassage.crypto.runtime import get_keyring
from safepassage.crypto.sealing import seal, seal_envelope_body
from safepassage.demo.texts import DEMO_MESSAGES, OPERATOR_REPLIES
from safepassage.envelopes.models import EnvelopeKind, InboundEnvelope
from safepassage.worker.envelopes import process_pending


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    languages: tuple[str, ...]
    password: str
    totp_secret: str


DEMO_ACCOUNTS = [
    ("operator-ko", Role.OPERATOR, ("ko", "ru")),
    ("operator-ru", Role.OPERATOR, ("ru", "uk")),
    ("operator-en", Role.OPERATOR, ("en", "uk", "ru")),
    ("supervisor", Role.SUPERVISOR, ("ru", "uk", "en")),
    ("registrar", Role.REGISTRAR, ("ru", "uk")),
    ("analyst", Role.ANALYST, ("en", "uk")),
    ("admin", Role.ADMIN, ("en", "uk")),
]

# The state each demo case is moved to, cycled so every state (and closure) appears.
STATE_PLAN: list[tuple[str, str]] = [
    (CaseState.NEW, ""),
    (CaseState.ENGAGED, ""),
    (CaseState.VERIFIED, ""),
    (CaseState.NEW, ""),
    (CaseState.PLANNING, ""),
    (CaseState.SURRENDERED, ""),
    (CaseState.CLOSED, CloseReason.UNREACHABLE),
    (CaseState.ENGAGED, ""),
    (CaseState.CLOSED, CloseReason.SUSPECTED_PROVOCATION),
]
PATH = [CaseState.ENGAGED, CaseState.VERIFIED, CaseState.PLANNING, CaseState.SURRENDERED]


def create_accounts() -> list[DemoLogin]:
    """Create one account per role with a random password and an enrolled TOTP secret.

    Deliberately NOT through the two-person rule (``accounts.domain.approvals``): the demo
    starts from an empty database, where no second person exists yet to approve anything,
    and its logins must be printed so someone can try the console.  This writes accounts
    straight into the database, as only the loader of a throw-away demo may; production
    accounts are requested by one admin and approved by a second person, and their
    holders choose their own passwords with an enrolment code.
    """
    keyring = get_keyring()
    logins = []
    for username, role, languages in DEMO_ACCOUNTS:
        password = f"{username}-{secrets.token_hex(4)}"
        totp_secret = pyotp.random_base32()
        account = Account.objects.create_account(
            username, password, role=role, languages=list(languages)
        )
        account.totp_secret = seal(totp_secret, to=keyring.public)
        account.totp_confirmed = True
        account.on_shift = role in {Role.OPERATOR, Role.SUPERVISOR}
        account.save(update_fields=["totp_secret", "totp_confirmed", "on_shift"])
        logins.append(DemoLogin(username, role, languages, password, totp_secret))
    return logins


def create_campaigns() -> list[Campaign]:
    """Two appeals that demo cases are attributed to."""
    return [
        Campaign.objects.create(
            code="KURSK24",
            title="Korean video appeal, Kursk",
            audience="North Korean soldiers",
            languages=["ko"],
            medium=Medium.VIDEO,
        ),
        Campaign.objects.create(
            code="LIVE",
            title="Russian leaflet «Хочу жить»",
            audience="Russian soldiers",
            languages=["ru"],
            medium=Medium.LEAFLET,
        ),
    ]


def create_cases() -> dict[str, str]:
    """Submit the demo messages as web envelopes, process them, then move cases along.

    Returns one readable receipt per language so the demo can show the applicant inbox.
    """
    keyring = get_keyring()
    receipts: dict[str, str] = {}
    campaign_for = {"ko": "KURSK24", "ru": "LIVE"}
    for language, messages in DEMO_MESSAGES.items():
        for index, (inquiry_type, text) in enumerate(messages):
            receipt = new_receipt()
            receipts.setdefault(language, receipt)
            body = {
                "v": 1,
                "receipt": receipt,
                "language": language,
                "message": text,
                "inquiry_type": inquiry_type,
                "campaign": campaign_for.get(language, "") if index % 2 == 0 else "",
                "group_size": "3" if "трое" in text else "",
            }
            InboundEnvelope.objects.create(
                kind=EnvelopeKind.WEB_SUBMISSION,
                channel="web",
                received_at=timezone.now(),
                body=seal_envelope_body(body, to=keyring.public),
            )
    while process_pending():
        pass
    _move_cases_along()
    return {language: format_receipt(receipt) for language, receipt in receipts.items()}


def _operator_for(language: str) -> Account:
    for account in Account.objects.filter(role=Role.OPERATOR).order_by("username"):
        if account.reads(language):
            return account
    return Account.objects.get(username="supervisor")


def _move_cases_along() -> None:
    supervisor = Account.objects.get(username="supervisor")
    for position, case in enumerate(Case.objects.order_by("id")):
        target, reason = STATE_PLAN[position % len(STATE_PLAN)]
        if target == CaseState.NEW:
            continue
        operator = _operator_for(case.language)
        Case.objects.filter(pk=case.pk).update(assigned_to=operator)
        post_reply(case, by=operator, text=OPERATOR_REPLIES[case.language])
        # The first reply has already moved the case from new to engaged.
        current = Case.objects.get(pk=case.pk)
        for step in PATH:
            if target == CaseState.CLOSED and step == CaseState.VERIFIED:
                break
            if current.state != step:
                current = transition_case(current, to=step, by=operator)
            if step == target:
                break
        if target == CaseState.CLOSED:
            transition_case(current, to=CaseState.CLOSED, by=supervisor, reason=reason)
