"""Supervisors' Floods pages: the groups, one group's members, and the verdicts.

Supervisors only: the pages list case references, states and flags (operators work
cases, not floods; analysts and admins see no cases).  Actions are posted with htmx and
answered with the group's section alone; without JavaScript the same forms post, and
the page comes back through a redirect with a notice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Paginator
from django.db.models import Count, Max, Min, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from safepassage.accounts.models import Account, Role
from safepassage.cases.rules import CaseAction
from safepassage.cases.states import CaseState, Channel
from safepassage.console.access import console_view, current_account, get_case_for
from safepassage.console.flash import flash
from safepassage.floods.domain import (
    FloodActionRefused,
    confirm_flood,
    dismiss_flood,
    remove_member,
)
from safepassage.floods.domain.verdicts import CLOSED_ON_CONFIRM
from safepassage.floods.models import FloodGroup, FloodMembership, Verdict

GROUPS_PER_PAGE = 50
MEMBERS_PER_PAGE = 100
SHOW_OPEN = "open"
SHOW_ALL = "all"
_LEFT_OPEN = (CaseState.VERIFIED, CaseState.PLANNING, CaseState.SURRENDERED)
_MEMBER_CASE_FIELDS = (
    "case__reference",
    "case__language",
    "case__state",
    "case__close_reason",
    "case__risk_flags",
    "case__first_channel",
    "case__created_at",
)


def _account(request: HttpRequest) -> Account:
    account = current_account(request)
    assert account is not None  # console_view let the request through
    return account


def _group(group_id: int) -> FloodGroup:
    group = FloodGroup.objects.select_related("decided_by").filter(pk=group_id).first()
    if group is None:
        raise Http404("No such flood group.")
    return group


def _with_activity(groups: QuerySet[FloodGroup]) -> QuerySet[FloodGroup]:
    return groups.annotate(
        members=Count("memberships"),
        first_seen=Min("memberships__joined_at"),
        last_seen=Max("memberships__joined_at"),
        to_close=Count("memberships", filter=Q(memberships__case__state__in=CLOSED_ON_CONFIRM)),
    )


@console_view(Role.SUPERVISOR)
@require_GET
def flood_list(request: HttpRequest) -> HttpResponse:
    """Flood groups, newest first: those awaiting a decision, or all of them."""
    show = SHOW_ALL if request.GET.get("show") == SHOW_ALL else SHOW_OPEN
    groups = FloodGroup.objects.order_by("-pk")
    if show == SHOW_OPEN:
        groups = groups.filter(verdict=Verdict.OPEN)
    # Page the ids first: the member counts are then aggregated for 50 groups only.
    page = Paginator(groups.values_list("pk", flat=True), GROUPS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    rows = _with_activity(
        FloodGroup.objects.filter(pk__in=list(page.object_list)).select_related("decided_by")
    ).order_by("-pk")
    return render(
        request,
        "console/floods/list.html",
        {
            "groups": list(rows),
            "page": page,
            "show": show,
            "awaiting": FloodGroup.objects.filter(verdict=Verdict.OPEN).count(),
        },
    )


@dataclass(frozen=True)
class Notice:
    """What an action tells the supervisor (already translated; no personal data)."""

    level: str
    message: str


def _group_context(request: HttpRequest, group: FloodGroup) -> dict[str, Any]:
    members = FloodMembership.objects.filter(group=group)
    counts = members.aggregate(
        members=Count("pk"),
        to_close=Count("pk", filter=Q(case__state__in=CLOSED_ON_CONFIRM)),
        left_open=Count("pk", filter=Q(case__state__in=_LEFT_OPEN)),
        closed=Count("pk", filter=Q(case__state=CaseState.CLOSED)),
        flagged=Count("pk", filter=Q(flagged=True)),
        first_seen=Min("joined_at"),
        last_seen=Max("joined_at"),
    )
    labels = dict(Channel.choices)
    channels = [
        {"label": labels.get(row["case__first_channel"], row["case__first_channel"]), "n": row["n"]}
        for row in members.values("case__first_channel")
        .annotate(n=Count("pk"))
        .order_by("-n", "case__first_channel")
    ]
    page = Paginator(
        members.select_related("case")
        .only("joined_at", "flagged", *_MEMBER_CASE_FIELDS)
        .order_by("joined_at", "pk"),
        MEMBERS_PER_PAGE,
    ).get_page(request.GET.get("page"))
    verdict = group.verdict
    return {
        "group": group,
        "counts": counts,
        "channels": channels,
        "page": page,
        "can_confirm": verdict in (Verdict.OPEN, Verdict.NOT_FLOOD) or counts["to_close"] > 0,
        "can_dismiss": verdict == Verdict.OPEN,
    }


@console_view(Role.SUPERVISOR)
@require_GET
def flood_detail(request: HttpRequest, group_id: int) -> HttpResponse:
    """One group: what it is, how far its members got, and the actions on it."""
    group = _group(group_id)
    return render(request, "console/floods/detail.html", _group_context(request, group))


def _answer(request: HttpRequest, group: FloodGroup, notice: Notice) -> HttpResponse:
    """htmx: the group's section with the notice in it.  Otherwise: back to the page."""
    if request.headers.get("HX-Request") == "true":
        group.refresh_from_db()
        context = {**_group_context(request, group), "notice": notice}
        return render(request, "console/floods/_group.html", context)
    flash(request, notice.message, level=notice.level)
    return HttpResponseRedirect(reverse("console:flood", args=[group.pk]))


@console_view(Role.SUPERVISOR)
@require_POST
def flood_confirm(request: HttpRequest, group_id: int) -> HttpResponse:
    """Confirm the group as a flood: its new and engaged cases are closed as suspected
    provocation.  The form must carry the "I have checked" box."""
    group = _group(group_id)
    if request.POST.get("checked") != "yes":
        return _answer(
            request,
            group,
            Notice(
                "error",
                _("Nothing was closed. Tick the box to say you have checked the cases first."),
            ),
        )
    try:
        remaining = confirm_flood(group, by=_account(request))
    except FloodActionRefused as refusal:
        return _answer(request, group, Notice("error", str(refusal)))
    if remaining:
        message = ngettext(
            "Confirmed as a flood. %(count)d case is still being closed in the background; "
            "reload this page to follow.",
            "Confirmed as a flood. %(count)d cases are still being closed in the background; "
            "reload this page to follow.",
            remaining,
        ) % {"count": remaining}
    else:
        message = _(
            "Confirmed as a flood. Its new and engaged cases are closed as suspected provocation."
        )
    return _answer(request, group, Notice("success", message))


@console_view(Role.SUPERVISOR)
@require_POST
def flood_dismiss(request: HttpRequest, group_id: int) -> HttpResponse:
    """Say the group is not a flood: its cases lose the flood flag and sort normally."""
    group = _group(group_id)
    try:
        dismiss_flood(group, by=_account(request))
    except FloodActionRefused as refusal:
        return _answer(request, group, Notice("error", str(refusal)))
    return _answer(
        request,
        group,
        Notice(
            "success",
            _("Marked as not a flood. Its cases are listed among the others in the queues again."),
        ),
    )


@console_view(Role.SUPERVISOR)
@require_POST
def flood_member_remove(request: HttpRequest, group_id: int, reference: str) -> HttpResponse:
    """Take one case out of the group (a genuine person caught in a burst)."""
    group = _group(group_id)
    account = _account(request)
    case = get_case_for(account, reference, action=CaseAction.VIEW)
    try:
        remove_member(group, case, by=account)
    except FloodActionRefused as refusal:
        return _answer(request, group, Notice("error", str(refusal)))
    return _answer(
        request,
        group,
        Notice(
            "success",
            _("Case %(reference)s was taken out of this group.") % {"reference": case.reference},
        ),
    )
