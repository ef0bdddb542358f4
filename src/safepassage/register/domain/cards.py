"""Capture cards (Art. 70, Annex IV-B): when they fall due, printing, sending.

A card falls due one week after the person arrives in a camp, and again after every
transfer to another camp or admission to hospital (``CARD_DUE_DAYS``).  A newer event
replaces a card not yet sent (the family needs the current address) without moving
its deadline later; release, repatriation and death cancel it.  A registrar may print
an extra card when his situation changed (Art. 70 also names sickness), never a second
card for an unchanged situation.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from safepassage.audit.chain import record_event
from safepassage.crypto.sealing import Sealed
from safepassage.register.cardpdf import fields_too_long
from safepassage.register.domain._values import (
    open_json,
    open_value,
    seal_json,
    show_date,
    today,
)
from safepassage.register.domain.errors import CardRefused, DuplicateCard, InvalidInput
from safepassage.register.domain.records import FIELD_LABELS, lock_record, require_art17_for_card
from safepassage.register.models import CaptureCard, CapturedPerson, WelfareEvent
from safepassage.register.states import (
    CARD_DUE_DAYS,
    OUTSTANDING_CARD_STATUSES,
    CardStatus,
    CardTrigger,
    Location,
    RecordStatus,
)

if TYPE_CHECKING:
    from safepassage.accounts.models import Account

# What the card prints from the record (the Annex IV-B items), in card order.
CARD_RECORD_FIELDS = (
    "power",
    "surname",
    "first_names",
    "father_first_name",
    "date_of_birth",
    "place_of_birth",
    "rank",
    "service_number",
    "family_address",
    "health",
    "prisoner_number",
)
# Keys of the content that describe the situation; "date" is only when it was printed.
_NOT_SITUATION = frozenset({"date"})


def _outstanding(record: CapturedPerson) -> QuerySet[CaptureCard]:
    return record.cards.filter(status__in=OUTSTANDING_CARD_STATUSES).order_by("due_on", "id")


def create_due_card(
    record: CapturedPerson,
    *,
    trigger: str,
    event: WelfareEvent,
    coming_from: Sealed | None,
) -> CaptureCard:
    """A card due one week after ``event`` (called by ``record_welfare_event``).

    Cards still outstanding are replaced by this one, which keeps the earliest of their
    deadlines: a move must not give the programme more time to tell the family.  Must
    run inside the caller's transaction, with the record locked.  Side effects: one
    ``CaptureCard``, replaced cards marked ``superseded``, one ``register.card_due``
    audit event.
    """
    due_on = event.occurred_on + dt.timedelta(days=CARD_DUE_DAYS)
    replaced = list(_outstanding(record))
    if replaced:
        due_on = min([due_on, *(card.due_on for card in replaced)])
    card = CaptureCard.objects.create(
        record=record,
        trigger=trigger,
        trigger_event=event,
        triggered_on=event.occurred_on,
        due_on=due_on,
        coming_from=coming_from,
    )
    if replaced:
        CaptureCard.objects.filter(pk__in=[c.pk for c in replaced]).update(
            status=CardStatus.SUPERSEDED, superseded_by=card
        )
    record_event(
        "register.card_due",
        object_type="captured_person",
        object_ref=record.number,
        detail={"card": card.pk, "trigger": trigger, "replaces": [c.pk for c in replaced]},
    )
    return card


def cancel_outstanding_cards(record: CapturedPerson) -> list[int]:
    """Cancel the cards still owed (after release, repatriation or death); their ids."""
    ids = list(_outstanding(record).values_list("pk", flat=True))
    if ids:
        CaptureCard.objects.filter(pk__in=ids).update(status=CardStatus.CANCELLED)
    return ids


def _situation(record: CapturedPerson, coming_from: Sealed | None) -> dict[str, Any]:
    content: dict[str, Any] = {
        field: open_value(getattr(record, field)) for field in CARD_RECORD_FIELDS
    }
    in_hospital = record.location == Location.HOSPITAL
    content.update(
        language=record.card_language,
        detaining_language=record.detaining_language,
        capture_date=record.capture_date.isoformat() if record.capture_date else "",
        coming_from=open_value(coming_from),
        present_place=open_value(record.hospital if in_hospital else record.camp),
        in_hospital=in_hospital,
    )
    return content


def _same_situation(one: dict[str, Any], two: dict[str, Any]) -> bool:
    return {k: v for k, v in one.items() if k not in _NOT_SITUATION} == {
        k: v for k, v in two.items() if k not in _NOT_SITUATION
    }


def _check_printable(record: CapturedPerson) -> None:
    if record.status != RecordStatus.INTERNED:
        raise CardRefused(
            _("He is no longer interned (%(status)s); no capture card is due.")
            % {"status": record.get_status_display()}
        )
    if record.location == Location.NONE:
        raise CardRefused(
            _(
                "A capture card gives his present address: record his arrival at a camp "
                "or his admission to hospital first."
            )
        )
    require_art17_for_card(record)
    if record.health is None:
        raise CardRefused(_("Record his state of health first: the card reports it."))


def _check_fits(content: dict[str, Any]) -> None:
    too_long = fields_too_long(content)
    if too_long:
        names = {"present_place": _("Camp or hospital"), "coming_from": _("Place he came from")}
        fields = ", ".join(str(names.get(key) or FIELD_LABELS[key]) for key in too_long)
        raise CardRefused(
            _(
                "Too long to fit on the capture card: %(fields)s. Shorten it on the record "
                "(abbreviate an address, for instance)."
            )
            % {"fields": fields}
        )


def _print(
    card: CaptureCard, content: dict[str, Any], *, by: Account, replaces: int | None = None
) -> CaptureCard:
    _check_fits(content)
    card.content = seal_json(content)
    card.status = CardStatus.ISSUED
    card.issued_at = timezone.now()
    card.issued_by = by
    card.save()
    detail: dict[str, Any] = {"card": card.pk, "trigger": card.trigger}
    if replaces is not None:
        detail["replaces"] = replaces
    record_event(
        "register.card_issued",
        actor=by,
        object_type="captured_person",
        object_ref=card.record.number,
        detail=detail,
    )
    return card


def _last_sent(record: CapturedPerson) -> CaptureCard | None:
    return record.cards.filter(status=CardStatus.SENT).order_by("-issued_at", "-id").first()


def issue_capture_card(
    record: CapturedPerson, *, by: Account, expected_version: int | None = None
) -> CaptureCard:
    """Print the capture card due for ``record`` (or an extra one if his situation changed).

    - a card due: its content is fixed now (sealed snapshot) and it becomes ``issued``;
    - a card printed but not sent, and the situation changed since: that card is
      replaced by a new printed one with the same deadline;
    - nothing due: an extra card (trigger ``update``) if the situation differs from the
      last card sent.

    Refuses (nothing saved) when he is not interned, has no camp or hospital yet, lacks
    an Art. 17 field or a state of health (``CardRefused``/``IdentityIncomplete``), or
    when the card would repeat one already printed or sent (``DuplicateCard``).
    Side effects: the card row and one ``register.card_issued`` audit event.
    """
    with transaction.atomic():
        locked = lock_record(record, expected_version=expected_version)
        _check_printable(locked)
        outstanding = _outstanding(locked).first()
        if outstanding is not None and outstanding.status == CardStatus.DUE:
            content = _situation(locked, outstanding.coming_from)
            return _print(outstanding, {**content, "date": today().isoformat()}, by=by)
        if outstanding is not None:
            content = _situation(locked, outstanding.coming_from)
            if _same_situation(content, open_json(outstanding.content)):
                raise DuplicateCard(
                    _(
                        "This card is already printed and waiting to be sent; print it "
                        "again from the list or mark it as sent."
                    )
                )
            replacement = CaptureCard.objects.create(
                record=locked,
                trigger=outstanding.trigger,
                trigger_event=outstanding.trigger_event,
                triggered_on=outstanding.triggered_on,
                due_on=outstanding.due_on,
                coming_from=outstanding.coming_from,
            )
            outstanding.status = CardStatus.SUPERSEDED
            outstanding.superseded_by = replacement
            outstanding.save(update_fields=["status", "superseded_by"])
            content["date"] = today().isoformat()
            return _print(replacement, content, by=by, replaces=outstanding.pk)
        last = _last_sent(locked)
        content = _situation(locked, last.coming_from if last else None)
        if last is not None and _same_situation(content, open_json(last.content)):
            raise DuplicateCard(
                _(
                    "A capture card with exactly this information was sent on %(date)s. "
                    "A new card is due after a transfer or a hospital admission, or when "
                    "his health or address changes."
                )
                % {"date": show_date(last.sent_on or last.triggered_on)}
            )
        extra = CaptureCard.objects.create(
            record=locked,
            trigger=CardTrigger.UPDATE,
            triggered_on=today(),
            due_on=today(),
            coming_from=last.coming_from if last else None,
        )
        return _print(extra, {**content, "date": today().isoformat()}, by=by)


def mark_capture_card_sent(card: CaptureCard, *, by: Account, sent_on: dt.date) -> CaptureCard:
    """Record that a printed card went to the family and the Central Agency on ``sent_on``.

    Refuses a card not printed or already sent, a date in the future or before the
    card was printed.  Side effects: the card's status and dates, one
    ``register.card_sent`` audit event.
    """
    with transaction.atomic():
        locked = CaptureCard.objects.select_for_update().select_related("record").get(pk=card.pk)
        if locked.status == CardStatus.SENT:
            raise CardRefused(
                _("This card was already marked as sent on %(date)s.")
                % {"date": show_date(locked.sent_on or locked.triggered_on)}
            )
        if locked.status != CardStatus.ISSUED or locked.issued_at is None:
            raise CardRefused(_("Only a printed card that is still needed can be marked as sent."))
        printed_on = timezone.localdate(locked.issued_at)
        if sent_on > today():
            raise InvalidInput(_("The date sent is in the future."), field="sent_on")
        if sent_on < printed_on:
            raise InvalidInput(
                _("The card was printed on %(date)s; it cannot have been sent before.")
                % {"date": show_date(printed_on)},
                field="sent_on",
            )
        locked.status = CardStatus.SENT
        locked.sent_on = sent_on
        locked.sent_by = by
        locked.save(update_fields=["status", "sent_on", "sent_by"])
        record_event(
            "register.card_sent",
            actor=by,
            object_type="captured_person",
            object_ref=locked.record.number,
            detail={"card": locked.pk},
        )
    return locked


def open_card_content(card: CaptureCard) -> dict[str, Any]:
    """What the card printed (sealed snapshot, opened); ``{}`` for a card not printed.

    Callers audit the viewing.
    """
    return open_json(card.content)


def due_capture_cards(*, on: dt.date | None = None) -> list[CaptureCard]:
    """Every card still owed (due or printed, not sent), earliest deadline first.

    Each card gets ``overdue`` (bool) for the date ``on`` (default: today).
    """
    day = on or today()
    cards = list(
        CaptureCard.objects.filter(
            status__in=OUTSTANDING_CARD_STATUSES, record__status=RecordStatus.INTERNED
        )
        .select_related("record", "record__case")
        .order_by("due_on", "id")
    )
    for card in cards:
        card.overdue = card.is_overdue(day)  # type: ignore[attr-defined]
    return cards


def overdue_count(*, on: dt.date | None = None) -> int:
    """How many cards are still owed after their deadline (the supervisor dashboard's count)."""
    day = on or today()
    return CaptureCard.objects.filter(
        status__in=OUTSTANDING_CARD_STATUSES,
        record__status=RecordStatus.INTERNED,
        due_on__lt=day,
    ).count()
