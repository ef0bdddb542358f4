"""Register endpoints: statuses (``register:read``), identities and signed batches
(``register:export``).  The wish at repatriation is in neither, by construction: no
schema here has a field for it and no query here touches its table."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Annotated

from django.core import signing
from django.db.models import Count, Max, Prefetch, QuerySet
from django.http import Http404, HttpRequest
from ninja import Path, Query, Router, Schema
from pydantic import Field

from safepassage.api.auth import ScopedToken
from safepassage.api.problems import Problem
from safepassage.apiclients.models import Scope
from safepassage.register.domain._values import today
from safepassage.register.domain.exports import signed_bureau_export
from safepassage.register.domain.records import open_record_details
from safepassage.register.domain.signing import programme_key_that_signed, verify_key_fingerprint
from safepassage.register.models import BureauExport, CaptureCard, CapturedPerson
from safepassage.register.states import OUTSTANDING_CARD_STATUSES, ExportStatus

ERRORS: dict[int, type[Problem]] = {401: Problem, 403: Problem, 422: Problem, 429: Problem}
PAGE_SIZE_MAX = 200
_CURSOR_SALT = "safepassage.api.register.cursor"

read = Router(tags=["register"], auth=ScopedToken(Scope.REGISTER_READ))
export = Router(tags=["register export"], auth=ScopedToken(Scope.REGISTER_EXPORT))


class InvalidCursor(Exception):
    """A cursor this API did not issue."""


class CardStatusOut(Schema):
    """The latest capture card (Art. 70) of a record."""

    status: str
    due_on: dt.date
    sent_on: dt.date | None
    overdue: bool


class WelfareStatusOut(Schema):
    """How much the welfare log holds, and its latest entry (kind and date only)."""

    events: int
    last_event_on: dt.date | None


class PersonOut(Schema):
    """A captured person's record as the register:read scope sees it (nothing sealed)."""

    number: str
    status: str
    location: str
    capture_date: dt.date | None
    registered_on: dt.date
    capture_card: CardStatusOut | None
    welfare: WelfareStatusOut


class PersonPage(Schema):
    """One page of records and the cursor of the next (null on the last page)."""

    items: list[PersonOut]
    next_cursor: str | None


class PersonFilter(Schema):
    """Filters of the record list."""

    number: str | None = None
    captured_from: dt.date | None = None
    captured_to: dt.date | None = None
    cursor: str | None = None
    limit: int = Field(50, ge=1, le=PAGE_SIZE_MAX)


class IdentityOut(Schema):
    """The record's identity and internment details (Art. 17, Art. 122), opened."""

    number: str
    details: dict[str, str]


class BatchOut(Schema):
    """An approved, signed bureau batch."""

    number: int
    approved_at: dt.datetime | None
    record_count: int
    event_count: int


class SignedBatchOut(BatchOut):
    """A batch file exactly as signed, with its detached Ed25519 signature."""

    payload: str
    signature: str
    key_fingerprint: str | None


def _cursor(last_id: int) -> str:
    return signing.dumps({"after": last_id}, salt=_CURSOR_SALT, compress=False)


def _after(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        value = signing.loads(cursor, salt=_CURSOR_SALT)
    except signing.BadSignature:
        raise InvalidCursor from None
    after = value.get("after") if isinstance(value, dict) else None
    if not isinstance(after, int):
        raise InvalidCursor
    return after


def _person(record: CapturedPerson, on: dt.date) -> PersonOut:
    cards = list(record.cards.all())
    card = cards[-1] if cards else None
    return PersonOut(
        number=record.number,
        status=record.status,
        location=record.location,
        capture_date=record.capture_date,
        registered_on=record.opened_at.date(),
        capture_card=None
        if card is None
        else CardStatusOut(
            status=card.status,
            due_on=card.due_on,
            sent_on=card.sent_on,
            overdue=card.status in OUTSTANDING_CARD_STATUSES and card.due_on < on,
        ),
        welfare=WelfareStatusOut(
            events=int(getattr(record, "event_total", 0)),
            last_event_on=getattr(record, "last_event_on", None),
        ),
    )


def _records() -> QuerySet[CapturedPerson]:
    return (
        CapturedPerson.objects.annotate(
            event_total=Count("events"), last_event_on=Max("events__occurred_on")
        )
        .prefetch_related(
            Prefetch("cards", queryset=CaptureCard.objects.order_by("created_at", "id"))
        )
        .order_by("id")
    )


@read.get("/persons", response={200: PersonPage, **ERRORS}, operation_id="list_persons")
def list_persons(request: HttpRequest, filters: Query[PersonFilter]) -> PersonPage:
    """Captured persons by register number and capture-date range, oldest record first."""
    limit = min(max(filters.limit, 1), PAGE_SIZE_MAX)
    records = _records().filter(id__gt=_after(filters.cursor))
    if filters.number:
        records = records.filter(number=filters.number.strip().upper())
    if filters.captured_from:
        records = records.filter(capture_date__gte=filters.captured_from)
    if filters.captured_to:
        records = records.filter(capture_date__lte=filters.captured_to)
    page = list(records[: limit + 1])
    on = today()
    items = [_person(r, on) for r in page[:limit]]
    more = len(page) > limit
    return PersonPage(items=items, next_cursor=_cursor(page[limit - 1].pk) if more else None)


@read.get(
    "/persons/{number}",
    response={200: PersonOut, 404: Problem, **ERRORS},
    operation_id="get_person",
)
def get_person(request: HttpRequest, number: str) -> PersonOut:
    """One captured person's statuses by register number."""
    record = _records().filter(number=number.strip().upper()).first()
    if record is None:
        raise Http404
    return _person(record, today())


@export.get(
    "/persons/{number}/identity",
    response={200: IdentityOut, 404: Problem, **ERRORS},
    operation_id="get_person_identity",
)
def get_person_identity(request: HttpRequest, number: str) -> IdentityOut:
    """The opened identity and internment details of one record (audited per call)."""
    record = CapturedPerson.objects.filter(number=number.strip().upper()).first()
    if record is None:
        raise Http404
    return IdentityOut(number=record.number, details=open_record_details(record))


def _batch(export_row: BureauExport) -> BatchOut:
    return BatchOut(
        number=export_row.number,
        approved_at=export_row.reviewed_at,
        record_count=export_row.record_count,
        event_count=export_row.event_count,
    )


@export.get(
    "/bureau-batches", response={200: list[BatchOut], **ERRORS}, operation_id="list_batches"
)
def list_batches(request: HttpRequest) -> list[BatchOut]:
    """Every approved bureau batch, newest first."""
    rows = BureauExport.objects.filter(status=ExportStatus.APPROVED).order_by("-number")
    return [_batch(row) for row in rows]


@export.get(
    "/bureau-batches/{number}",
    response={200: SignedBatchOut, 404: Problem, **ERRORS},
    operation_id="get_batch",
)
def get_batch(
    request: HttpRequest, number: Annotated[int, Path(ge=1, le=2**31 - 1)]
) -> SignedBatchOut:
    """One approved batch: its file (UTF-8 JSON text) and detached signature (base64)."""
    row = BureauExport.objects.filter(number=number, status=ExportStatus.APPROVED).first()
    if row is None or not row.signature:
        raise Http404
    payload, signature = signed_bureau_export(row)
    key = programme_key_that_signed(payload, signature)
    return SignedBatchOut(
        **_batch(row).model_dump(),
        payload=payload.decode("utf-8"),
        signature=base64.b64encode(signature).decode("ascii"),
        key_fingerprint=verify_key_fingerprint(key) if key is not None else None,
    )
