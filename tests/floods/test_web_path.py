"""Website submissions, end to end through the worker's envelope loop."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from safepassage.accounts.models import Account
from safepassage.cases.domain import transition_case
from safepassage.cases.models import Case
from safepassage.cases.states import CaseState, CloseReason
from safepassage.crypto.keys import Keyring
from safepassage.crypto.receipts import derive_receipt_keys, new_receipt
from safepassage.crypto.sealing import seal_envelope_body
from safepassage.envelopes.models import EnvelopeKind, EnvelopeStatus, InboundEnvelope
from safepassage.floods.fingerprint import fingerprint
from safepassage.floods.models import CaseMark, FloodGroup, FloodMembership, GroupKind, MarkKind
from safepassage.worker.envelopes import process_pending

from .texts import MESSAGES

pytestmark = pytest.mark.django_db


def submit(keyring: Keyring, message: str, *, language: str = "ru") -> InboundEnvelope:
    """A website submission as the intake stores it: sealed to the public key."""
    return InboundEnvelope.objects.create(
        kind=EnvelopeKind.WEB_SUBMISSION,
        channel="web",
        received_at=timezone.now(),
        body=seal_envelope_body(
            {"v": 1, "receipt": new_receipt(), "language": language, "message": message},
            to=keyring.public,
        ),
    )


def test_two_similar_website_submissions_are_flagged_as_near_duplicates(
    installed_keys: Keyring,
) -> None:
    text = MESSAGES["ru"][2]
    submit(installed_keys, text)
    submit(installed_keys, text.replace("мужа", "брата"))
    submit(installed_keys, MESSAGES["ru"][3])
    assert process_pending() == 3
    assert set(InboundEnvelope.objects.values_list("status", flat=True)) == {
        EnvelopeStatus.PROCESSED
    }
    first, second, other = Case.objects.order_by("pk")
    assert first.risk_flags == [f"near_duplicate:{second.reference}"]
    assert second.risk_flags == [f"near_duplicate:{first.reference}"]
    assert other.risk_flags == []
    bands = CaseMark.objects.filter(case=first, kind=MarkKind.BAND)
    assert set(bands.values_list("digest", flat=True)) == set(fingerprint(text, installed_keys))
    assert CaseMark.objects.filter(kind=MarkKind.ARRIVAL).count() == 3


def test_a_scripted_flood_of_website_forms_is_grouped(
    installed_keys: Keyring, settings: Any
) -> None:
    settings.SAFEPASSAGE_FLOOD_BURST = "4/600"
    for n in range(8):
        submit(installed_keys, f"{MESSAGES['en'][0]} {n}", language="en")
    genuine = submit(installed_keys, "Добрый вечер, я хочу узнать, как передать письмо сыну в плен")
    process_pending()
    burst = FloodGroup.objects.get(kind=GroupKind.BURST)
    near = FloodGroup.objects.get(kind=GroupKind.NEAR_DUPLICATE)
    assert FloodMembership.objects.filter(group=burst).count() == 9
    assert FloodMembership.objects.filter(group=near).count() == 8
    genuine_case = Case.objects.get(messages__envelope=genuine)
    assert not FloodMembership.objects.filter(group=near, case=genuine_case).exists()
    # Timing alone put the genuine person into the burst; a supervisor can take him out.
    assert genuine_case.risk_flags == [f"flood:{burst.pk}"]


def test_a_case_renewed_by_a_follow_up_is_checked_and_a_reopened_one_is_not(
    installed_keys: Keyring, personas: dict[str, Account]
) -> None:
    planted = MESSAGES["ru"][2]
    submit(installed_keys, planted)
    receipt = new_receipt()
    _submit_with(installed_keys, receipt, "Добрый день")
    process_pending()
    flooded, mine = Case.objects.order_by("pk")
    transition_case(mine, to=CaseState.CLOSED, by=personas["sofia"], reason=CloseReason.INELIGIBLE)
    lookup = derive_receipt_keys(receipt, installed_keys.public).lookup_hash

    _follow_up(installed_keys, lookup, planted.replace("мужа", "брата"))
    process_pending()

    renewed = Case.objects.exclude(pk__in=[flooded.pk, mine.pk]).get()
    assert f"near_duplicate:{flooded.reference}" in renewed.risk_flags
    assert CaseMark.objects.filter(case=renewed, kind=MarkKind.ARRIVAL).count() == 1

    # A reopened case (closed as unreachable) is the same case: no second arrival.
    transition_case(
        renewed, to=CaseState.CLOSED, by=personas["sofia"], reason=CloseReason.UNREACHABLE
    )
    _follow_up(installed_keys, lookup, planted)
    process_pending()
    assert Case.objects.count() == 3
    assert CaseMark.objects.filter(case=renewed, kind=MarkKind.ARRIVAL).count() == 1


def _submit_with(keyring: Keyring, receipt: str, message: str) -> None:
    InboundEnvelope.objects.create(
        kind=EnvelopeKind.WEB_SUBMISSION,
        channel="web",
        received_at=timezone.now(),
        body=seal_envelope_body(
            {"v": 1, "receipt": receipt, "language": "ru", "message": message}, to=keyring.public
        ),
    )


def _follow_up(keyring: Keyring, lookup: str, message: str) -> None:
    InboundEnvelope.objects.create(
        kind=EnvelopeKind.WEB_FOLLOWUP,
        channel="web",
        received_at=timezone.now(),
        body=seal_envelope_body(
            {"v": 1, "lookup_hash": lookup, "language": "ru", "message": message},
            to=keyring.public,
        ),
    )
