"""Building the case workspace page: the opened conversation, identity and the forms.

Every render opens personal data (messages, notes, identity, contacts) and so writes
one ``case.viewed`` audit event; callers render through :func:`render_workspace` only.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from safepassage.accounts.models import Account, Role
from safepassage.cases import rules as case_rules
from safepassage.cases.domain import (
    PlaceholderValues,
    actor_role,
    canned_replies_for,
    may_hold,
    open_identity,
    render_canned_reply,
)
from safepassage.cases.models import CannedReply, Case, Contact, Direction, Merge, Message, Note
from safepassage.cases.rules import CaseAction
from safepassage.cases.states import CaseState, Channel, allowed_targets
from safepassage.channels.domain.hotline import callbacks_for_case
from safepassage.channels.domain.status import (
    DeliveryInfo,
    delivery_statuses,
    reply_constraints,
    sms_segments,
)
from safepassage.channels.forms import CallbackForm
from safepassage.channels.models import MediaAttachment
from safepassage.console.access import audit_view
from safepassage.console.forms.cases import (
    AssignForm,
    IdentityForm,
    MediaConsentForm,
    MergeForm,
    NoteForm,
    RelativeForm,
    ReplyForm,
    TransitionForm,
    VersionOnlyForm,
)
from safepassage.console.forms.common import language_name, new_form_token
from safepassage.crypto.errors import CryptoError
from safepassage.crypto.runtime import get_keyring
from safepassage.crypto.sealing import Sealed, open_text


@dataclass(frozen=True)
class TimelineEntry:
    """One message or note in the conversation, opened for display."""

    kind: str  # "in", "out" or "note"
    at: datetime.datetime
    channel: str
    author: str
    status: str
    text: str
    readable: bool
    # Messages only: the attachments and, for outbound ones, the delivery state with the
    # provider's reason and whether it may be sent again.
    message_id: int | None = None
    media: tuple[MediaAttachment, ...] = ()
    delivery: DeliveryInfo | None = None


def _open(value: Sealed | None) -> tuple[str, bool]:
    if value is None:
        return "", True
    try:
        return open_text(value, get_keyring()), True
    except CryptoError:
        # A damaged or foreign value: say so instead of failing the whole page.
        return _("This entry cannot be opened."), False


def timeline(case: Case) -> list[TimelineEntry]:
    """Messages on every channel and internal notes, oldest first."""
    entries: list[TimelineEntry] = []
    messages = list(
        Message.objects.filter(case=case).select_related("author").prefetch_related("media")
    )
    deliveries = delivery_statuses(messages)
    for message in messages:
        text, readable = _open(message.body)
        entries.append(
            TimelineEntry(
                kind="in" if message.direction == Direction.INBOUND else "out",
                at=message.created_at,
                channel=message.get_channel_display(),
                author=message.author.display_name if message.author else "",
                status=message.get_status_display(),
                text=text,
                readable=readable,
                message_id=message.pk,
                media=tuple(message.media.all()),
                delivery=deliveries.get(message.pk),
            )
        )
    for note in Note.objects.filter(case=case).select_related("author"):
        text, readable = _open(note.body)
        entries.append(
            TimelineEntry(
                kind="note",
                at=note.created_at,
                channel="",
                author=note.author.display_name,
                status="",
                text=text,
                readable=readable,
            )
        )
    entries.sort(key=lambda entry: entry.at)
    return entries


def assign_candidates(case: Case) -> Any:
    """Accounts a supervisor may give ``case`` to (active operators reading its language,
    supervisors), as a queryset for the form."""
    accounts = Account.objects.filter(
        is_active=True, role__in=[Role.OPERATOR, Role.SUPERVISOR]
    ).order_by("display_name")
    return accounts.filter(pk__in=[a.pk for a in accounts if may_hold(a, case)])


def _contacts(contacts: list[Contact]) -> list[dict[str, Any]]:
    rows = []
    for contact in contacts:
        identity, _readable = _open(contact.identity)
        # One session query per chat contact: a case has a handful of contacts at most.
        constraints = reply_constraints(contact)
        rows.append({"contact": contact, "identity": identity, "constraints": constraints})
    return rows


def _replyable(rows: list[dict[str, Any]]) -> list[Contact]:
    """Contacts a free-text reply can go to now (not hotline callers, not WhatsApp
    contacts whose 24-hour window is closed, not chats whose channel is gone)."""
    return [row["contact"] for row in rows if row["constraints"].can_send_text]


def _canned_text(case: Case, account: Account, canned_id: str, name: str) -> str:
    if not canned_id.isdigit():
        return ""
    reply = CannedReply.objects.filter(
        pk=int(canned_id), language=case.language, is_active=True
    ).first()
    if reply is None:
        return ""
    values = PlaceholderValues(name=name, reference=case.reference, operator=account.display_name)
    return render_canned_reply(reply, values=values)


def default_forms(
    account: Account, case: Case, contacts: list[Contact], identity: dict[str, str]
) -> dict[str, forms.Form]:
    """Unbound forms for everything the account may do on ``case`` now; ``contacts``
    are those a reply can be sent to (no reply form when there are none)."""
    latest = max(
        contacts,
        key=lambda c: (c.last_inbound_at is not None, c.last_inbound_at, c.pk),
        default=None,
    )
    built: dict[str, forms.Form] = {}
    if case_rules.may(account, CaseAction.REPLY) and contacts:
        built["reply"] = ReplyForm(
            contacts=contacts,
            initial={"token": new_form_token(), "contact": latest.pk if latest else None},
        )
    if case_rules.may(account, CaseAction.NOTE):
        built["note"] = NoteForm(initial={"token": new_form_token()})
    targets = allowed_targets(case.state, actor_role(account))
    if targets and case_rules.may(account, CaseAction.TRANSITION):
        built["transition"] = TransitionForm(
            targets=targets, state=case.state, initial={"version": case.version}
        )
    if case_rules.may(account, CaseAction.ASSIGN) and case.state != CaseState.CLOSED:
        built["assign"] = AssignForm(
            candidates=assign_candidates(case),
            initial={"version": case.version, "account": case.assigned_to_id},
        )
    if case.assigned_to_id is not None and (
        case.assigned_to_id == account.pk or account.role == Role.SUPERVISOR
    ):
        built["release"] = VersionOnlyForm(initial={"version": case.version})
    if case_rules.may(account, CaseAction.IDENTITY):
        built["identity"] = IdentityForm(
            initial={**identity, "group_size": case.group_size, "version": case.version}
        )
        built["media"] = MediaConsentForm(
            initial={"no_filming": case.no_filming, "version": case.version}
        )
        built["relative"] = RelativeForm()
    if case_rules.may(account, CaseAction.MERGE) and case.merged_into_id is None:
        built["merge"] = MergeForm()
    return built


def render_workspace(
    request: HttpRequest,
    account: Account,
    case: Case,
    *,
    bound: dict[str, forms.Form] | None = None,
    errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The workspace for ``case``, with ``bound`` forms (failed submissions) in place of
    fresh ones so nothing typed is lost.  Side effect: one ``case.viewed`` audit event."""
    contacts = list(case.contacts.all())
    contact_rows = _contacts(contacts)
    replyable = _replyable(contact_rows)
    identity = open_identity(case)
    page_forms = default_forms(account, case, replyable, identity)
    page_forms.update(bound or {})
    canned_id = request.GET.get("canned", "")
    reply_form = page_forms.get("reply")
    if canned_id and reply_form is not None and not reply_form.is_bound:
        reply_form.initial["text"] = _canned_text(case, account, canned_id, identity["name"])
    merges = Merge.objects.filter(Q(kept=case) | Q(absorbed=case)).select_related(
        "kept", "absorbed", "merged_by", "undone_by"
    )
    audit_view(account, case, "workspace")
    context = {
        "case": case,
        "account": account,
        "timeline": timeline(case),
        "contacts": contact_rows,
        "may_reply": case_rules.may(account, CaseAction.REPLY) and case.state != CaseState.CLOSED,
        "sms_reply": any(c.channel == Channel.SMS for c in replyable),
        "callbacks": list(callbacks_for_case(case)),
        "callback_form": CallbackForm(),
        "has_hotline": any(c.channel == Channel.HOTLINE for c in contacts),
        "sms_empty": sms_segments(""),
        "identity": identity,
        "language_name": language_name(case.language),
        "forms": page_forms,
        "canned": canned_replies_for(case) if reply_form is not None else [],
        "canned_id": canned_id,
        "merges": list(merges),
        "may_merge": case_rules.may(account, CaseAction.MERGE),
        "errors": errors or [],
    }
    return render(request, "console/cases/workspace.html", context, status=status)
