"""Information-bureau batches (Art. 122-123): prepare, review, approve and sign.

A registrar cuts a batch of everything the bureau has not yet been told: each record
whose bureau revision is ahead of the one last approved, with its untransmitted
movements.  Records whose Art. 17 identity is incomplete are held back (and named)
until it is.  The wish about repatriation never travels: the bureau passes what it
learns on towards the power of origin, and "not to be exchanged" or "join the defence"
must never go that way; it stays in the programme's own register and statistics.
A supervisor reviews the exact JSON and approves it, which signs it with the
programme's Ed25519 key and marks what it carried as transmitted; or rejects it, and
everything stays due.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from safepassage.accounts.models import Role
from safepassage.audit.chain import record_event
from safepassage.register.domain._values import open_json, open_value, seal_value
from safepassage.register.domain.errors import ExportRefused
from safepassage.register.domain.records import (
    ART17_FIELDS,
    FURTHER_FIELDS,
    missing_art17_fields,
)
from safepassage.register.domain.signing import sign_bureau_export
from safepassage.register.models import BureauExport, CapturedPerson, WelfareEvent
from safepassage.register.states import TRANSMITTED_KINDS, ExportStatus

if TYPE_CHECKING:
    from safepassage.accounts.models import Account

EXPORT_FORMAT = "safepassage-bureau-export"
# Version 2: the wish about repatriation is no longer carried (least disclosure).
EXPORT_VERSION = 2


def records_due_for_transmission() -> list[CapturedPerson]:
    """Records the bureau has not heard the latest of, by register number."""
    return list(
        CapturedPerson.objects.filter(bureau_revision__gt=F("transmitted_revision")).order_by(
            "number"
        )
    )


def _untransmitted_events(record: CapturedPerson) -> list[WelfareEvent]:
    return list(
        record.events.filter(kind__in=list(TRANSMITTED_KINDS), bureau_export__isnull=True).order_by(
            "occurred_on", "id"
        )
    )


def _record_entry(record: CapturedPerson, events: list[WelfareEvent]) -> dict[str, Any]:
    event_entries = []
    for event in events:
        details = open_json(event.details)
        # Notes stay in the programme's log: the bureau gets the movement itself.
        entry = {"kind": event.kind, "date": event.occurred_on.isoformat()}
        entry.update({k: details[k] for k in ("place", "prisoner_number") if details.get(k)})
        event_entries.append(entry)
    return {
        "register_number": record.number,
        "identity": {field: open_value(getattr(record, field)) for field in ART17_FIELDS},
        "further": {field: open_value(getattr(record, field)) for field in FURTHER_FIELDS},
        "capture": {
            "date": record.capture_date.isoformat() if record.capture_date else "",
            "place": open_value(record.capture_place),
        },
        "internment": {
            "status": record.status,
            "location": record.location,
            "camp": open_value(record.camp),
            "prisoner_number": open_value(record.prisoner_number),
            "hospital": open_value(record.hospital),
        },
        "health": open_value(record.health),
        "events": event_entries,
    }


def prepare_bureau_export(*, by: Account) -> BureauExport:
    """Cut the next batch for the information bureau and leave it for a supervisor.

    Refused (``ExportRefused``, nothing saved) for anyone but a registrar, while an
    earlier batch still waits for review, or when nothing complete is due.  Side
    effects: one ``BureauExport`` (payload sealed, identifiers in ``items``) and one
    ``register.export_prepared`` audit event.  Nothing counts as transmitted until a
    supervisor approves the batch.
    """
    if by.role != Role.REGISTRAR:
        raise ExportRefused(_("Only a registrar prepares a batch for the information bureau."))
    with transaction.atomic():
        pending = BureauExport.objects.select_for_update().filter(status=ExportStatus.PENDING)
        waiting = pending.first()
        if waiting is not None:
            raise ExportRefused(
                _(
                    "Batch %(number)d is waiting for a supervisor's review; it must be "
                    "approved or rejected before the next one is prepared."
                )
                % {"number": waiting.number}
            )
        entries: list[dict[str, Any]] = []
        items: list[dict[str, int]] = []
        held_back: list[dict[str, Any]] = []
        event_ids: list[int] = []
        for record in records_due_for_transmission():
            missing = missing_art17_fields(record)
            if missing:
                held_back.append({"record": record.number, "missing": missing})
                continue
            events = _untransmitted_events(record)
            entries.append(_record_entry(record, events))
            items.append({"record": record.pk, "revision": record.bureau_revision})
            event_ids.extend(event.pk for event in events)
        if not entries:
            message = _("Nothing is due for transmission to the information bureau.")
            if held_back:
                message += " " + ngettext(
                    "%(count)d record waits for a complete Art. 17 identity.",
                    "%(count)d records wait for a complete Art. 17 identity.",
                    len(held_back),
                ) % {"count": len(held_back)}
            raise ExportRefused(message)
        number = (BureauExport.objects.aggregate(top=Max("number"))["top"] or 0) + 1
        prepared_at = timezone.now()
        document = {
            "format": EXPORT_FORMAT,
            "version": EXPORT_VERSION,
            "batch": number,
            "prepared_at": prepared_at.isoformat(timespec="seconds"),
            "records": entries,
        }
        payload = json.dumps(document, ensure_ascii=False, sort_keys=True, indent=1)
        try:
            with transaction.atomic():
                export = BureauExport.objects.create(
                    number=number,
                    payload=seal_value(payload),
                    items={"records": items, "events": event_ids, "held_back": held_back},
                    record_count=len(entries),
                    event_count=len(event_ids),
                    held_back_count=len(held_back),
                    prepared_by=by,
                )
        except IntegrityError:
            # Another registrar prepared a batch at the same moment (one may be pending).
            raise ExportRefused(
                _("Another batch was prepared at the same moment; reload the page.")
            ) from None
        record_event(
            "register.export_prepared",
            actor=by,
            object_type="bureau_export",
            object_ref=str(number),
            detail={"records": len(entries), "events": len(event_ids), "held_back": len(held_back)},
        )
    return export


def _lock_pending(export: BureauExport, by: Account) -> BureauExport:
    if by.role != Role.SUPERVISOR:
        raise ExportRefused(_("Only a supervisor reviews a batch for the information bureau."))
    locked = BureauExport.objects.select_for_update().get(pk=export.pk)
    if locked.status != ExportStatus.PENDING:
        raise ExportRefused(
            _("Batch %(number)d was already reviewed (%(status)s).")
            % {"number": locked.number, "status": locked.get_status_display()}
        )
    return locked


def approve_bureau_export(export: BureauExport, *, by: Account) -> BureauExport:
    """Approve a batch a supervisor has reviewed: sign it and mark its contents sent.

    Side effects: the detached Ed25519 signature over the payload bytes is stored, the
    batch becomes ``approved``, each record's transmitted revision and each event's
    batch are set, one ``register.export_approved`` audit event.
    """
    with transaction.atomic():
        locked = _lock_pending(export, by)
        payload = open_bureau_export(locked)
        locked.signature = sign_bureau_export(payload)
        locked.status = ExportStatus.APPROVED
        locked.reviewed_at = timezone.now()
        locked.reviewed_by = by
        locked.save(update_fields=["signature", "status", "reviewed_at", "reviewed_by"])
        for item in locked.items.get("records", []):
            CapturedPerson.objects.filter(
                pk=item["record"], transmitted_revision__lt=item["revision"]
            ).update(transmitted_revision=item["revision"])
        WelfareEvent.objects.filter(
            pk__in=locked.items.get("events", []), bureau_export__isnull=True
        ).update(bureau_export=locked)
        record_event(
            "register.export_approved",
            actor=by,
            object_type="bureau_export",
            object_ref=str(locked.number),
            detail={"records": locked.record_count, "events": locked.event_count},
        )
    return locked


def reject_bureau_export(export: BureauExport, *, by: Account) -> BureauExport:
    """Reject a batch: nothing is sent, everything in it stays due for the next batch.

    Side effects: the batch becomes ``rejected``, one ``register.export_rejected`` event.
    """
    with transaction.atomic():
        locked = _lock_pending(export, by)
        locked.status = ExportStatus.REJECTED
        locked.reviewed_at = timezone.now()
        locked.reviewed_by = by
        locked.save(update_fields=["status", "reviewed_at", "reviewed_by"])
        record_event(
            "register.export_rejected",
            actor=by,
            object_type="bureau_export",
            object_ref=str(locked.number),
        )
    return locked


def open_bureau_export(export: BureauExport) -> bytes:
    """The batch's JSON file, byte for byte as reviewed and signed.

    Callers audit the viewing or download.
    """
    return open_value(export.payload).encode("utf-8")


def signed_bureau_export(export: BureauExport) -> tuple[bytes, bytes]:
    """An approved batch's file and its detached signature; ExportRefused otherwise."""
    if export.status != ExportStatus.APPROVED or not export.signature:
        raise ExportRefused(_("Only an approved batch can be downloaded."))
    return open_bureau_export(export), bytes(export.signature)
