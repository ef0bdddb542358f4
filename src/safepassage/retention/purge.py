"""Purging cases: delete their personal rows, destroy their keys, keep a tombstone.

The case row stays as a tombstone (reference, state, close reason, dates, channel,
language, campaign, inquiry type): the analytics counters and their rebuild, the audit
trail's references and the merge history all point at it, and none of these fields
identifies a person.  Everything else the case owned is deleted, and its case key (and,
for a full purge, its register key) is destroyed, so copies of the deleted rows in
backups cannot be opened any more (docs/decisions.md, issue 13).
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Min, Q
from django.utils import timezone

from safepassage.audit.chain import record_event
from safepassage.casekeys.keys import compact_key_table, destroy_case_keys
from safepassage.casekeys.models import KeyScope
from safepassage.cases.models import (
    Case,
    Contact,
    Direction,
    Merge,
    Message,
    Note,
    VerificationCheck,
)
from safepassage.channels.models import (
    Callback,
    ChatSession,
    HotlineCall,
    MediaAttachment,
    OutboundDelivery,
    VoiceCall,
)
from safepassage.floods.models import CaseMark
from safepassage.register.models import (
    CaptureCard,
    CapturedPerson,
    RepatriationWish,
    WelfareEvent,
)
from safepassage.retention.conf import RULES, retention_settings
from safepassage.retention.conversion import convert
from safepassage.retention.models import CaseRetention
from safepassage.retention.registry import CASE_IDENTITY_FIELDS, CASE_INDEX_FIELDS
from safepassage.retention.rules import BROUGHT_FORWARD, CONVERSATION_RULES, due_cases

_CLEARED: dict[str, object] = {
    **dict.fromkeys(CASE_IDENTITY_FIELDS),
    **dict.fromkeys(CASE_INDEX_FIELDS),
    "risk_flags": [],
    "group_size": None,
    "no_filming": False,
    "assigned_to": None,
    "waiting_since": None,
}


@dataclass
class PurgeReport:
    """What one purge run removed: counts and case references only."""

    cases: Counter[str] = field(default_factory=Counter)  # rule -> cases
    rows: Counter[str] = field(default_factory=Counter)  # model -> rows deleted
    references: list[str] = field(default_factory=list)
    keys_destroyed: int = 0

    def detail(self) -> dict[str, object]:
        """The audit event's detail (no personal value)."""
        return {
            "cases": dict(self.cases),
            "rows": dict(self.rows),
            "references": self.references,
            "keys_destroyed": self.keys_destroyed,
        }


def _delete(report: PurgeReport, label: str, rows: object) -> None:
    deleted, _ = rows.delete()  # type: ignore[attr-defined]
    if deleted:
        report.rows[label] += deleted


def _rehome_merged_values(case_ids: list[int]) -> None:
    """Values a merge moved between these cases and others leave these cases' keys."""
    merges = Merge.objects.filter(Q(kept_id__in=case_ids) | Q(absorbed_id__in=case_ids))
    others = {
        other
        for pair in merges.values_list("kept_id", "absorbed_id")
        for other in pair
        if other not in case_ids
    }
    if others:
        convert(case_ids=sorted(others))


def _purge_conversation(case_ids: list[int], report: PurgeReport) -> None:
    messages = Message.objects.filter(case_id__in=case_ids)
    first_inbound = dict(
        messages.filter(direction=Direction.INBOUND)
        .values_list("case_id")
        .annotate(first=Min("created_at"))
        .values_list("case_id", "first")
    )
    _delete(report, "media", MediaAttachment.objects.filter(message__case_id__in=case_ids))
    _delete(report, "deliveries", OutboundDelivery.objects.filter(message__case_id__in=case_ids))
    _delete(report, "hotline_calls", HotlineCall.objects.filter(case_id__in=case_ids))
    _delete(report, "voice_calls", VoiceCall.objects.filter(case_id__in=case_ids))
    _delete(report, "callbacks", Callback.objects.filter(case_id__in=case_ids))
    _delete(report, "chat_sessions", ChatSession.objects.filter(contact__case_id__in=case_ids))
    _delete(report, "messages", messages)
    _delete(report, "notes", Note.objects.filter(case_id__in=case_ids))
    _delete(report, "verification", VerificationCheck.objects.filter(case_id__in=case_ids))
    _delete(report, "contacts", Contact.objects.filter(case_id__in=case_ids))
    _delete(report, "flood_marks", CaseMark.objects.filter(case_id__in=case_ids))
    Case.objects.filter(pk__in=case_ids).update(**_CLEARED)
    now = timezone.now()
    for case_id in case_ids:
        retention, _ = CaseRetention.objects.get_or_create(case_id=case_id)
        if retention.purged_at is None:
            retention.purged_at = now
            retention.first_inbound_at = retention.first_inbound_at or first_inbound.get(case_id)
            retention.save(update_fields=["purged_at", "first_inbound_at"])


def _purge_register(case_ids: list[int], report: PurgeReport) -> None:
    records = CapturedPerson.objects.filter(case_id__in=case_ids)
    _delete(report, "wishes", RepatriationWish.objects.filter(record__in=records))
    _delete(report, "capture_cards", CaptureCard.objects.filter(record__in=records))
    _delete(report, "welfare_events", WelfareEvent.objects.filter(record__in=records))
    _delete(report, "register_records", records)
    CaseRetention.objects.filter(case_id__in=case_ids).update(register_purged_at=timezone.now())


def purge_cases(case_ids: list[int], rule: str, report: PurgeReport) -> None:
    """Purge ``case_ids`` under ``rule`` in the caller's transaction.

    Conversation rules purge scope "case"; the register rule and a brought-forward purge
    also purge the register record and destroy its key.
    """
    full = rule not in CONVERSATION_RULES
    _rehome_merged_values(case_ids)
    _purge_conversation(case_ids, report)
    scopes = [KeyScope.CASE]
    if full:
        _purge_register(case_ids, report)
        scopes.append(KeyScope.REGISTER)
    CaseRetention.objects.filter(case_id__in=case_ids, purge_rule="").update(purge_rule=rule)
    report.keys_destroyed += destroy_case_keys(case_ids, scopes)
    report.cases[rule] += len(case_ids)
    report.references.extend(
        Case.objects.filter(pk__in=case_ids).order_by("pk").values_list("reference", flat=True)
    )


def purge_due(*, now: datetime.datetime | None = None, batch: int | None = None) -> PurgeReport:
    """Purge every due case, ``batch`` cases per transaction, each batch audited."""
    conf = retention_settings()
    size = batch or conf.batch
    total = PurgeReport()
    for rule in (BROUGHT_FORWARD, "register", *[r for r in RULES if r != "register"]):
        previous: list[int] = []
        while True:
            with transaction.atomic():
                ids = list(
                    due_cases(rule, now=now, conf=conf)
                    .select_for_update(of=("self",))
                    .order_by("pk")
                    .values_list("pk", flat=True)[:size]
                )
                # A batch the previous one already purged means the rule still selects
                # purged cases: stop rather than loop.
                if not ids or ids == previous:
                    break
                previous = ids
                report = PurgeReport()
                purge_cases(ids, rule, report)
                record_event("retention.purge", object_type="retention", detail=report.detail())
            total.cases.update(report.cases)
            total.rows.update(report.rows)
            total.references.extend(report.references)
            total.keys_destroyed += report.keys_destroyed
    if total.keys_destroyed:
        compact_key_table()
    return total
