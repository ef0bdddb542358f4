"""Planning, swapping, starting and ending shifts; who is on shift for a language.

Every verb is audited (``rota.*`` events, identifiers only).  Starting and ending a shift
also keeps ``Account.on_shift`` in step, so the supervision page's existing coverage
reading (``cases.domain.metrics.shift_coverage``) derives from actual shifts.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safepassage.accounts.models import Account, Role
from safepassage.audit.chain import record_event
from safepassage.channels.domain.voice import publish_ring_lists
from safepassage.rota.models import Shift

# An operator may start a shift this early (handover before the planned start).
EARLY_START = datetime.timedelta(minutes=30)
_STAFF = (Role.OPERATOR, Role.SUPERVISOR)
_SHIFT_COLUMNS = ("id", "account_id", "languages", "starts_at", "ends_at", "started_at", "ended_at")
_ACCOUNT_COLUMNS = ("id", "username", "display_name", "role", "languages", "is_active")


class RotaError(Exception):
    """A rota change that is not allowed; the message is translated and shown as is."""


def _audit(action: str, *, by: Account, shift: Shift, detail: dict[str, object]) -> None:
    record_event(
        action,
        actor=by,
        object_type="shift",
        object_ref=str(shift.pk),
        detail={"account": shift.account.username, **detail},
    )


def _require_supervisor(by: Account) -> None:
    if by.role != Role.SUPERVISOR or not by.is_active:
        raise RotaError(_("Only a supervisor may change the rota."))


def _check_staff(account: Account, languages: list[str]) -> None:
    if not account.is_active or account.role not in _STAFF:
        raise RotaError(_("Only an active operator or supervisor can take a shift."))
    if not languages:
        raise RotaError(_("A shift covers at least one language."))
    if any(not account.reads(language) for language in languages):
        raise RotaError(_("The person does not read every language of this shift."))


def plan_shift(
    *,
    by: Account,
    account: Account,
    languages: list[str],
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
) -> Shift:
    """Plan a shift for ``account`` covering ``languages`` (supervisors only).

    Side effect: one ``rota.shift_planned`` event.
    """
    _require_supervisor(by)
    languages = sorted(set(languages))
    _check_staff(account, languages)
    if ends_at <= starts_at:
        raise RotaError(_("A shift must end after it starts."))
    with transaction.atomic():
        shift = Shift.objects.create(
            account=account, languages=languages, starts_at=starts_at, ends_at=ends_at
        )
        _audit(
            "rota.shift_planned",
            by=by,
            shift=shift,
            detail={
                "languages": languages,
                "starts_at": starts_at.isoformat(),
                "ends_at": ends_at.isoformat(),
            },
        )
    return shift


def swap_shift(*, by: Account, shift: Shift, to: Account) -> Shift:
    """Hand a shift that has not started to another person (supervisors only).

    Side effect: one ``rota.shift_swapped`` event naming both people.
    """
    _require_supervisor(by)
    if shift.started_at is not None:
        raise RotaError(_("A shift that has started cannot be swapped."))
    _check_staff(to, list(shift.languages))
    previous = shift.account.username
    with transaction.atomic():
        shift.account = to
        shift.save(update_fields=["account"])
        _audit("rota.shift_swapped", by=by, shift=shift, detail={"from": previous})
    return shift


def start_shift(*, by: Account, shift: Shift, now: datetime.datetime | None = None) -> Shift:
    """The shift's own operator starts it (one click), at most 30 minutes early.

    Side effects: ``started_at``, ``Account.on_shift`` set, one ``rota.shift_started``.
    """
    now = now or timezone.now()
    if by.pk != shift.account_id or not by.is_active:
        raise RotaError(_("Only the person on this shift can start it."))
    if shift.started_at is not None:
        raise RotaError(_("This shift has already started."))
    if now < shift.starts_at - EARLY_START or now >= shift.ends_at:
        raise RotaError(_("This shift cannot be started now."))
    with transaction.atomic():
        shift.started_at = now
        shift.save(update_fields=["started_at"])
        if not by.on_shift:
            by.on_shift = True
            by.save(update_fields=["on_shift"])
        _audit("rota.shift_started", by=by, shift=shift, detail={"at": now.isoformat()})
        # The voice line rings whoever is on shift: its channels' ring lists follow.
        publish_ring_lists()
    return shift


def end_shift(*, by: Account, shift: Shift, now: datetime.datetime | None = None) -> Shift:
    """The shift's operator (or a supervisor) ends a running shift (one click).

    ``Account.on_shift`` clears unless another of the person's shifts still runs.
    Side effect: one ``rota.shift_ended`` event.
    """
    now = now or timezone.now()
    if by.pk != shift.account_id and by.role != Role.SUPERVISOR:
        raise RotaError(_("Only the person on this shift or a supervisor can end it."))
    if not shift.is_running:
        raise RotaError(_("This shift is not running."))
    with transaction.atomic():
        shift.ended_at = now
        shift.save(update_fields=["ended_at"])
        account = shift.account
        still = (
            Shift.objects.filter(account=account, started_at__isnull=False, ended_at=None)
            .exclude(pk=shift.pk)
            .exists()
        )
        if account.on_shift and not still:
            account.on_shift = False
            account.save(update_fields=["on_shift"])
        _audit("rota.shift_ended", by=by, shift=shift, detail={"at": now.isoformat()})
        publish_ring_lists()
    return shift


def on_shift_for_language(language: str) -> list[Account]:
    """Active operators and supervisors on a running shift that covers ``language``.

    The question the voice line asks ("whom do we ring for Korean?"); one query,
    ordered by who started first.
    """
    running = (
        Shift.objects.filter(started_at__isnull=False, ended_at=None, account__is_active=True)
        .select_related("account")
        # Only the columns the worker tier may read (db.grants): never password or TOTP.
        .only(*_SHIFT_COLUMNS, *(f"account__{name}" for name in _ACCOUNT_COLUMNS))
        .order_by("started_at", "pk")
    )
    seen: dict[int, Account] = {}
    for shift in running:
        # Filtered here, not in SQL: JSON containment differs between SQLite and PostgreSQL.
        if language in shift.languages and shift.account.reads(language):
            seen.setdefault(shift.account.pk, shift.account)
    return list(seen.values())
