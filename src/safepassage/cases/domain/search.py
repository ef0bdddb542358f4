"""Finding cases: by reference, by exact identity through blind indexes, by facts.

Identity criteria never touch plaintext: the typed value is turned into the same blind
index the case carries (through the name key for names, units and service numbers),
so the database only ever compares HMACs.  A name is looked up under every order of
its words.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, fields

from django.db.models import Exists, OuterRef, Q, QuerySet

from safepassage.cases.domain.identity import index_for
from safepassage.cases.models import Case, Contact
from safepassage.cases.transliteration import name_key_variants
from safepassage.crypto.blind_index import blind_index
from safepassage.crypto.runtime import get_keyring

_REFERENCE_CHARS = re.compile(r"[^0-9A-Z]")
REFERENCE_LENGTH = 9
IDENTITY_CRITERIA = ("name", "unit", "service_number", "date_of_birth")


def normalise_reference(value: str) -> str:
    """``k7q 4mx9td`` → ``K7Q-4MX-9TD``; anything that is not 9 symbols is returned as is."""
    raw = _REFERENCE_CHARS.sub("", value.upper())
    if len(raw) != REFERENCE_LENGTH:
        return value.strip().upper()
    return f"{raw[:3]}-{raw[3:6]}-{raw[6:]}"


@dataclass(frozen=True)
class CaseSearch:
    """Search criteria; empty strings and None mean "any"."""

    reference: str = ""
    name: str = ""
    unit: str = ""
    service_number: str = ""
    date_of_birth: str = ""
    state: str = ""
    language: str = ""
    channel: str = ""
    campaign_id: int | None = None
    created_from: datetime.date | None = None
    created_to: datetime.date | None = None

    def is_empty(self) -> bool:
        """Whether no criterion was given at all."""
        return all(getattr(self, field.name) in ("", None) for field in fields(self))

    def identity_criteria(self) -> list[str]:
        """Names of the identity criteria used (for the audit trail; never the values)."""
        return [field for field in IDENTITY_CRITERIA if getattr(self, field)]


def _name_indexes(value: str) -> list[str]:
    keyring = get_keyring()
    return [blind_index(keyring, "name", key) for key in name_key_variants(value)]


def _day_start(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.UTC)


def search_cases(criteria: CaseSearch, *, within: QuerySet[Case]) -> QuerySet[Case]:
    """Cases of ``within`` (what the searcher may see) matching every given criterion.

    Raises ``InvalidIdentity`` for a date of birth that is not a date.  Newest first.
    """
    found = within
    if criteria.reference:
        found = found.filter(reference=normalise_reference(criteria.reference))
    if criteria.name:
        indexes = _name_indexes(criteria.name)
        found = found.filter(name_index__in=indexes) if indexes else found.none()
    for field, kind in (("unit", "unit"), ("service_number", "service_number")):
        value = getattr(criteria, field)
        if value:
            index = index_for(kind, value)
            found = found.filter(**{f"{field}_index": index}) if index else found.none()
    if criteria.date_of_birth:
        found = found.filter(date_of_birth_index=index_for("dob", criteria.date_of_birth))
    if criteria.state:
        found = found.filter(state=criteria.state)
    if criteria.language:
        found = found.filter(language=criteria.language)
    if criteria.channel:
        reached = Contact.objects.filter(case=OuterRef("pk"), channel=criteria.channel)
        found = found.filter(Q(first_channel=criteria.channel) | Exists(reached))
    if criteria.campaign_id is not None:
        found = found.filter(campaign_id=criteria.campaign_id)
    if criteria.created_from is not None:
        found = found.filter(created_at__gte=_day_start(criteria.created_from))
    if criteria.created_to is not None:
        end = _day_start(criteria.created_to) + datetime.timedelta(days=1)
        found = found.filter(created_at__lt=end)
    return found.order_by("-created_at", "-id")
