"""Supervisor/admin: the audit log, filtered and paged, and chain verification.

Events hold identifiers and codes only (who, which case reference, what), so this page
shows no personal data.  Paging is by sequence number (newest first), which stays fast
however long the chain grows; no total count is computed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.cache import cache
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from safepassage.accounts.models import Role
from safepassage.audit.chain import record_event, verify_chain
from safepassage.audit.models import AuditEvent
from safepassage.console.access import console_view, current_account
from safepassage.console.account_forms import AuditFilterForm

PAGE_SIZE = 50
_ACTIONS_CACHE_KEY = "console:audit-actions"


def _known_actions(wanted: str = "") -> list[str]:
    """Action codes for the filter.  A DISTINCT over a long chain is a full index scan,
    so the list is kept for ten minutes per process; asking for a code the cached list
    lacks (a new kind of event) reads it afresh."""
    actions: list[str] | None = cache.get(_ACTIONS_CACHE_KEY)
    if actions is None or (wanted and wanted not in actions):
        actions = list(
            AuditEvent.objects.order_by("action").values_list("action", flat=True).distinct()
        )
        cache.set(_ACTIONS_CACHE_KEY, actions, timeout=600)
    return actions


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)


def _filtered(form: AuditFilterForm) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.all()
    if not form.is_valid():
        return events.none()
    data = form.cleaned_data
    if data["action"]:
        events = events.filter(action=data["action"])
    if data["actor"]:
        events = events.filter(actor_label=data["actor"].strip().lower())
    if data["case"]:
        events = events.filter(object_type="case", object_ref=data["case"].strip().upper())
    if data["date_from"]:
        events = events.filter(created_at__gte=_day_start(data["date_from"]))
    if data["date_to"]:
        events = events.filter(created_at__lt=_day_start(data["date_to"] + dt.timedelta(days=1)))
    return events


def _int_param(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() else None


def _page(request: HttpRequest, events: QuerySet[AuditEvent]) -> dict[str, Any]:
    """One page of events, newest first, with cursors for the older and newer pages."""
    before, after = _int_param(request, "before"), _int_param(request, "after")
    if after is not None:
        rows = list(events.filter(seq__gt=after).order_by("seq")[: PAGE_SIZE + 1])
        has_newer = len(rows) > PAGE_SIZE
        rows = list(reversed(rows[:PAGE_SIZE]))
        has_older = bool(rows) and events.filter(seq__lt=rows[-1].seq).exists()
    else:
        events_page = events.filter(seq__lt=before) if before is not None else events
        rows = list(events_page.order_by("-seq")[: PAGE_SIZE + 1])
        has_older = len(rows) > PAGE_SIZE
        rows = rows[:PAGE_SIZE]
        has_newer = (
            before is not None and bool(rows) and events.filter(seq__gt=rows[0].seq).exists()
        )
    return {
        "events": rows,
        "older": rows[-1].seq if rows and has_older else None,
        "newer": rows[0].seq if rows and has_newer else None,
    }


def _render_log(
    request: HttpRequest, *, report: object | None = None, status: int = 200
) -> HttpResponse:
    actions = _known_actions(request.GET.get("action", ""))
    form = AuditFilterForm(request.GET or None, actions=actions)
    events = _filtered(form) if request.GET else AuditEvent.objects.all()
    query = request.GET.copy()
    query.pop("before", None)
    query.pop("after", None)
    context = {
        "form": form,
        "report": report,
        "filters": query.urlencode(),
        **_page(request, events),
    }
    return render(request, "console/audit/log.html", context, status=status)


@console_view(Role.SUPERVISOR, Role.ADMIN)
@require_http_methods(["GET"])
def audit_log(request: HttpRequest) -> HttpResponse:
    """The audit events, newest first, filtered by action, who, case and date."""
    return _render_log(request)


@console_view(Role.SUPERVISOR, Role.ADMIN)
@require_POST
def audit_verify(request: HttpRequest) -> HttpResponse:
    """Recompute the whole chain and show the result above the log.

    Side effect: one ``audit.verified`` event recording who checked and the outcome.
    """
    report = verify_chain()
    record_event(
        "audit.verified",
        actor=current_account(request),
        object_type="audit",
        detail={"ok": report.ok, "checked": report.checked, "broken_at_seq": report.broken_at_seq},
    )
    return _render_log(
        request,
        report={
            "ok": report.ok,
            "checked": report.checked,
            "broken_at": report.broken_at_seq,
            "checked_at": timezone.now(),
        },
    )
