"""Which sealed columns belong to a case, and under which of its keys they are sealed.

This list is the contract of crypto-shredding: every personal value that belongs to a
case must appear here, so that it is sealed under the case's key (``conversion``) and
deleted by the purge (``purge``).  A test (tests/retention/test_registry.py) fails when
a model with a sealed column that points to a case is missing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models

from safepassage.casekeys.models import KeyScope
from safepassage.cases.models import Case, Contact, Message, Note, VerificationCheck
from safepassage.channels.models import Callback, ChatSession, MediaAttachment, OutboundDelivery
from safepassage.register.models import CaptureCard, CapturedPerson, RepatriationWish, WelfareEvent


@dataclass(frozen=True)
class Owned:
    """Sealed columns of one model and the ORM path from a row to its case's id."""

    model: type[models.Model]
    fields: tuple[str, ...]
    case_path: str
    scope: str


CASE_IDENTITY_FIELDS = ("name", "rank", "unit", "service_number", "date_of_birth", "area")
CASE_INDEX_FIELDS = (
    "name_index",
    "name_sound_index",
    "unit_index",
    "service_number_index",
    "date_of_birth_index",
)
_RECORD_FIELDS = (
    "surname",
    "first_names",
    "rank",
    "date_of_birth",
    "service_number",
    "power",
    "place_of_birth",
    "father_first_name",
    "mother_maiden_name",
    "person_to_inform",
    "family_address",
    "capture_place",
    "camp",
    "prisoner_number",
    "hospital",
    "health",
)

OWNED: tuple[Owned, ...] = (
    Owned(Case, CASE_IDENTITY_FIELDS, "pk", KeyScope.CASE),
    Owned(Message, ("body",), "case_id", KeyScope.CASE),
    Owned(Contact, ("identity",), "case_id", KeyScope.CASE),
    Owned(Note, ("body",), "case_id", KeyScope.CASE),
    Owned(VerificationCheck, ("detail",), "case_id", KeyScope.CASE),
    Owned(Callback, ("note",), "case_id", KeyScope.CASE),
    Owned(
        MediaAttachment, ("provider_ref", "file_name", "content"), "message__case_id", KeyScope.CASE
    ),
    Owned(OutboundDelivery, ("recipient", "body"), "message__case_id", KeyScope.CASE),
    Owned(ChatSession, ("identity",), "contact__case_id", KeyScope.CASE),
    Owned(CapturedPerson, _RECORD_FIELDS, "case_id", KeyScope.REGISTER),
    Owned(RepatriationWish, ("wish",), "record__case_id", KeyScope.REGISTER),
    Owned(WelfareEvent, ("details",), "record__case_id", KeyScope.REGISTER),
    Owned(CaptureCard, ("coming_from", "content"), "record__case_id", KeyScope.REGISTER),
)
BY_MODEL: dict[type[models.Model], Owned] = {entry.model: entry for entry in OWNED}
