"""The welfare log: dated, sealed, audited entries, and the movements they record.

Movements (arrival, transfer, hospital, release, repatriation, death) change where the
person is, so they must come in date order and make sense from where he is now; food,
medical care, certificates and correspondence may be logged late, for any day since
capture.  Release, repatriation and death close the record.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from safepassage.audit.chain import record_event
from safepassage.crypto.blind_index import normalise
from safepassage.crypto.sealing import Sealed
from safepassage.register.domain._values import (
    MAX_NOTE,
    MAX_TEXT,
    open_json,
    open_value,
    seal_json,
    seal_text,
    show_date,
    today,
)
from safepassage.register.domain.cards import cancel_outstanding_cards, create_due_card
from safepassage.register.domain.errors import InvalidInput, OutOfOrder, RecordClosed
from safepassage.register.domain.records import lock_record
from safepassage.register.models import CapturedPerson, WelfareEvent
from safepassage.register.states import (
    MOVEMENT_KINDS,
    PLACE_KINDS,
    TERMINAL_KINDS,
    TRANSMITTED_KINDS,
    TRIGGER_FOR_KIND,
    Location,
    RecordStatus,
    WelfareKind,
)

if TYPE_CHECKING:
    from safepassage.accounts.models import Account

K = WelfareKind


@dataclass(frozen=True)
class WelfareEntry:
    """What a registrar submitted: the kind, the day, and the details it needs.

    ``place`` is the camp (arrival, transfer) or hospital (admission);
    ``prisoner_number`` the number the camp gave him, if it gave one.
    """

    kind: str
    occurred_on: dt.date | None
    place: str = ""
    prisoner_number: str = ""
    note: str = ""


def _closed_message(record: CapturedPerson) -> str:
    last = record.events.filter(kind__in=list(TERMINAL_KINDS)).order_by("-occurred_on").first()
    when = show_date(last.occurred_on) if last else ""
    messages = {
        RecordStatus.RELEASED: _("He was released on %(date)s; the record is closed."),
        RecordStatus.REPATRIATED: _("He was repatriated on %(date)s; the record is closed."),
        RecordStatus.DECEASED: _("He died on %(date)s; the record is closed."),
    }
    return messages[RecordStatus(record.status)] % {"date": when}


def _check_date(record: CapturedPerson, entry: WelfareEntry) -> dt.date:
    day = entry.occurred_on
    if day is None:
        raise InvalidInput(_("Enter the date."), field="occurred_on")
    if day > today():
        raise InvalidInput(_("The date is in the future."), field="occurred_on")
    if record.capture_date is None:
        raise InvalidInput(
            _("Record the date of capture first: every entry is dated after it."),
            field="occurred_on",
        )
    if day < record.capture_date:
        raise InvalidInput(
            _("The date is before his capture (%(date)s).")
            % {"date": show_date(record.capture_date)},
            field="occurred_on",
        )
    if entry.kind in MOVEMENT_KINDS and record.last_movement_on and day < record.last_movement_on:
        raise OutOfOrder(
            _(
                "Movements are recorded in order, and the last one is dated %(date)s. "
                "Check the date, or record the earlier movement first."
            )
            % {"date": show_date(record.last_movement_on)},
            field="occurred_on",
        )
    return day


def _same_place(one: str, two: str) -> bool:
    # "Табір № 1", "табір №1" and "Табір No. 1" name one camp: compare without case,
    # punctuation or spaces.
    return normalise(one).replace(" ", "") == normalise(two).replace(" ", "")


def _check_movement(record: CapturedPerson, entry: WelfareEntry) -> None:
    """Refuse a movement that makes no sense from where he is now."""
    kind = entry.kind
    if kind == K.ARRIVAL and record.camp is not None:
        raise OutOfOrder(
            _("He is already interned in a camp: record a transfer instead."), field="kind"
        )
    if kind == K.TRANSFER:
        if record.camp is None:
            raise OutOfOrder(
                _("He has not arrived at a camp yet: record his arrival instead."), field="kind"
            )
        if record.location == Location.CAMP and _same_place(open_value(record.camp), entry.place):
            raise InvalidInput(_("He is already in this camp."), field="place")
    if kind == K.HOSPITAL_DISCHARGE:
        if record.location != Location.HOSPITAL:
            raise OutOfOrder(_("He is not in hospital."), field="kind")
        if record.camp is None:
            raise OutOfOrder(
                _("He has not been in a camp yet: record his arrival at a camp instead."),
                field="kind",
            )


def _check_texts(entry: WelfareEntry) -> dict[str, str]:
    errors: dict[str, str] = {}
    place = " ".join(entry.place.split())
    number = " ".join(entry.prisoner_number.split())
    note = entry.note.strip()
    if entry.kind in PLACE_KINDS and not place:
        errors["place"] = (
            _("Name the hospital.") if entry.kind == K.HOSPITAL_ADMISSION else _("Name the camp.")
        )
    for field, value, limit in (
        ("place", place, MAX_TEXT),
        ("prisoner_number", number, MAX_TEXT),
        ("note", note, MAX_NOTE),
    ):
        if len(value) > limit:
            errors[field] = _("At most %(limit)d characters.") % {"limit": limit}
    if errors:
        raise InvalidInput(errors)
    return {"place": place, "prisoner_number": number, "note": note}


def _move(record: CapturedPerson, kind: str, texts: dict[str, str]) -> Sealed | None:
    """Apply a movement to the (locked) record; return the sealed place he came from."""
    came_from: Sealed | None = (
        record.hospital if record.location == Location.HOSPITAL else (record.camp)
    )
    if kind in (K.ARRIVAL, K.TRANSFER):
        record.camp = seal_text(texts["place"])
        if texts["prisoner_number"]:
            record.prisoner_number = seal_text(texts["prisoner_number"])
        record.hospital = None
        record.location = Location.CAMP
    elif kind == K.HOSPITAL_ADMISSION:
        record.hospital = seal_text(texts["place"])
        record.location = Location.HOSPITAL
    elif kind == K.HOSPITAL_DISCHARGE:
        record.hospital = None
        record.location = Location.CAMP
    elif kind in TERMINAL_KINDS:
        record.status = TERMINAL_KINDS[kind]
    return came_from


def record_welfare_event(
    record: CapturedPerson,
    *,
    by: Account,
    entry: WelfareEntry,
    expected_version: int | None = None,
) -> WelfareEvent:
    """Add one dated entry to the welfare log, and apply it if it is a movement.

    Refused with a message (nothing saved) when the record is closed, the date is in
    the future or before capture, a movement is dated before the last one or makes no
    sense from where he is (a transfer before any arrival, a discharge when not in
    hospital), or a camp or hospital is not named.  Side effects: the event (details
    sealed); for movements the record's place, location, status and revisions; a
    capture card falls due after arrival, transfer and hospital admission, outstanding
    cards are cancelled on release, repatriation and death; audit events
    ``register.event_recorded`` (and ``register.card_due``).
    """
    if entry.kind not in WelfareKind.values:
        raise InvalidInput(_("Choose what to record."), field="kind")
    texts = _check_texts(entry)
    with transaction.atomic():
        locked = lock_record(record, expected_version=expected_version)
        if locked.status != RecordStatus.INTERNED:
            raise RecordClosed(_closed_message(locked))
        day = _check_date(locked, entry)
        if entry.kind in MOVEMENT_KINDS:
            _check_movement(locked, entry)
        event = WelfareEvent.objects.create(
            record=locked,
            kind=entry.kind,
            occurred_on=day,
            details=seal_json({k: v for k, v in texts.items() if v}),
            recorded_by=by,
        )
        detail: dict[str, Any] = {"event": event.pk, "kind": entry.kind}
        came_from: Sealed | None = None
        if entry.kind in MOVEMENT_KINDS:
            came_from = _move(locked, entry.kind, texts)
            locked.last_movement_on = day
            if entry.kind in TERMINAL_KINDS:
                detail["cancelled_cards"] = cancel_outstanding_cards(locked)
        locked.version += 1
        if entry.kind in TRANSMITTED_KINDS:
            locked.bureau_revision += 1
        locked.save()
        record_event(
            "register.event_recorded",
            actor=by,
            object_type="captured_person",
            object_ref=locked.number,
            detail=detail,
        )
        if entry.kind in TRIGGER_FOR_KIND:
            # Arrival from the front has no "coming from": the card prints the capture date.
            create_due_card(
                locked, trigger=TRIGGER_FOR_KIND[entry.kind], event=event, coming_from=came_from
            )
    return event


def open_event_details(event: WelfareEvent) -> dict[str, str]:
    """An event's sealed details (place, prisoner number, note), opened.

    Callers audit the viewing.
    """
    return {str(key): str(value) for key, value in open_json(event.details).items()}
