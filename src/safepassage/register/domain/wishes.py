"""The person's wish for the end of the war, with its history."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _

from safepassage.audit.chain import record_event
from safepassage.register.domain._values import open_value, seal_value, show_date, today
from safepassage.register.domain.errors import InvalidInput, OutOfOrder, RecordClosed
from safepassage.register.domain.records import lock_record
from safepassage.register.models import CapturedPerson, RepatriationWish
from safepassage.register.states import RecordStatus, Wish

if TYPE_CHECKING:
    from safepassage.accounts.models import Account


@dataclass(frozen=True)
class WishEntry:
    """One row of the wish history, opened."""

    wish: str
    label: str
    stated_on: dt.date
    recorded_by: str


def wish_history(record: CapturedPerson) -> list[WishEntry]:
    """Every wish recorded for ``record``, oldest first (the last one is current).

    Opens sealed values; callers audit the viewing.
    """
    rows = record.wishes.select_related("recorded_by").order_by("stated_on", "id")
    history = []
    for row in rows:
        code = open_value(row.wish)
        history.append(
            WishEntry(
                wish=code,
                label=str(Wish(code).label) if code in Wish.values else code,
                stated_on=row.stated_on,
                recorded_by=row.recorded_by.get_username() if row.recorded_by else "",
            )
        )
    return history


def current_wish(record: CapturedPerson) -> str:
    """The current wish's code, or ``""`` if none was recorded (opens one sealed value)."""
    row = record.wishes.order_by("-stated_on", "-id").first()
    return open_value(row.wish) if row is not None else ""


def current_wish_counts() -> dict[str, int]:
    """How many people still interned hold each wish now (their latest), by wish code.

    The analytics dashboard's wish source (registered in ``RegisterConfig.ready``): it
    opens one sealed wish per interned person in memory and returns counts only, so no
    counter row ever holds a wish (see ``analytics.wishes``).  Released, repatriated
    and dead people no longer count: their wish about repatriation is settled.  Every
    ``Wish`` code is present, zero included.  Writes nothing.
    """
    latest = RepatriationWish.objects.filter(record=OuterRef("record")).order_by(
        "-stated_on", "-id"
    )
    rows = RepatriationWish.objects.filter(
        record__status=RecordStatus.INTERNED, pk=Subquery(latest.values("pk")[:1])
    ).values_list("wish", flat=True)
    counts = dict.fromkeys(Wish.values, 0)
    for sealed in rows.iterator(chunk_size=2000):
        code = open_value(sealed)
        # A code from a newer release than this one still counts, under its own name.
        counts[code] = counts.get(code, 0) + 1
    return counts


def record_wish(
    record: CapturedPerson,
    *,
    by: Account,
    wish: str,
    stated_on: dt.date | None,
    expected_version: int | None = None,
) -> RepatriationWish:
    """Record the wish he stated on ``stated_on``; the previous one stays in the history.

    Refused (nothing saved) for an unknown wish, a date in the future, before capture or
    before the last recorded wish, the same wish as the current one, or a closed
    record.  Side effects: one ``RepatriationWish`` row (the wish sealed), the record's
    version, one ``register.wish_recorded`` audit event (which names no wish).  The
    bureau revision is left alone: the wish never travels to the information bureau,
    and a batch cut only because a wish changed would itself tell that it had.
    """
    if wish not in Wish.values:
        raise InvalidInput(_("Choose one of the wishes."), field="wish")
    if stated_on is None:
        raise InvalidInput(_("Enter the date he stated it."), field="stated_on")
    if stated_on > today():
        raise InvalidInput(_("The date is in the future."), field="stated_on")
    with transaction.atomic():
        locked = lock_record(record, expected_version=expected_version)
        if locked.status != RecordStatus.INTERNED:
            raise RecordClosed(
                _("He is no longer interned (%(status)s); his wish can no longer change.")
                % {"status": locked.get_status_display()}
            )
        if locked.capture_date is None:
            raise InvalidInput(
                _("Record the date of capture first: every entry is dated after it."),
                field="stated_on",
            )
        if stated_on < locked.capture_date:
            raise InvalidInput(
                _("The date is before his capture (%(date)s).")
                % {"date": show_date(locked.capture_date)},
                field="stated_on",
            )
        last = locked.wishes.order_by("-stated_on", "-id").first()
        if last is not None and stated_on < last.stated_on:
            raise OutOfOrder(
                _("The last wish was stated on %(date)s; a new one cannot be dated earlier.")
                % {"date": show_date(last.stated_on)},
                field="stated_on",
            )
        if last is not None and open_value(last.wish) == wish:
            raise InvalidInput(
                _("This is already his current wish (stated on %(date)s).")
                % {"date": show_date(last.stated_on)},
                field="wish",
            )
        row = RepatriationWish.objects.create(
            record=locked, wish=seal_value(wish), stated_on=stated_on, recorded_by=by
        )
        locked.version += 1
        locked.save(update_fields=["version", "updated_at"])
        record_event(
            "register.wish_recorded",
            actor=by,
            object_type="captured_person",
            object_ref=locked.number,
            detail={"wish_entry": row.pk},
        )
    return row
