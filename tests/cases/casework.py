"""Making cases the way the worker does (a contact and a sealed inbound message)."""

from __future__ import annotations

import datetime

from django.utils import timezone
from nacl.public import PrivateKey

from safepassage.cases.domain import add_inbound_message, open_case
from safepassage.cases.models import Case, Contact
from safepassage.cases.models.contact import Relation
from safepassage.crypto.runtime import get_public_keyring
from safepassage.crypto.sealing import seal


def make_case(
    *,
    language: str = "ko",
    channel: str = "web",
    message: str = "도와주세요",
    received_at: datetime.datetime | None = None,
    inquiry_type: str = "surrender",
    applicant_key: PrivateKey | None = None,
) -> Case:
    """A new case with one contact and one inbound message, as the worker leaves it.

    Web contacts carry the applicant's public key (``applicant_key`` or a fresh one), so
    replies are sealed to the applicant as in production.
    """
    case = open_case(channel=channel, language=language, inquiry_type=inquiry_type)
    key = applicant_key or PrivateKey.generate()
    contact = Contact.objects.create(
        case=case,
        channel=channel,
        relation=Relation.SELF,
        language=language,
        applicant_public_key=bytes(key.public_key) if channel == "web" else None,
    )
    add_inbound_message(
        case,
        contact,
        body=seal(
            message,
            to=get_public_keyring(),
            applicant=key.public_key if channel == "web" else None,
        ),
        language=language,
        received_at=received_at or timezone.now(),
    )
    case.refresh_from_db()
    return case


def add_message(case: Case, text: str, *, at: datetime.datetime | None = None) -> None:
    """Another inbound message on the case's first contact."""
    contact = case.contacts.order_by("id").first()
    assert contact is not None
    add_inbound_message(
        case,
        contact,
        body=seal(text, to=get_public_keyring()),
        language=case.language,
        received_at=at or timezone.now(),
    )


def reload(case: Case) -> Case:
    """The case as stored now."""
    return Case.objects.get(pk=case.pk)
