"""Language queues and the "waiting for turn" list.

The queue page polls its own table (htmx, every 20 seconds) with the filters it was
opened with, so a refresh never moves the operator to another page or filter.  The
number of queries per page is fixed (tests pin it), whatever the number of rows.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, F, Q, QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from safepassage.accounts.models import Account, Role
from safepassage.cases.models import Case
from safepassage.cases.rules import visible_cases
from safepassage.cases.states import CaseState
from safepassage.channels.domain.hotline import due_callbacks
from safepassage.console.access import console_view, current_account
from safepassage.console.forms.common import language_choices, language_name
from safepassage.console.forms.queue import (
    OPEN_STATES,
    SCOPE_ALL,
    SCOPE_MINE,
    SCOPE_UNASSIGNED,
    QueueFilterForm,
)
from safepassage.floods.queue import QueueOrder

PAGE_SIZE = 50
DUE_SHOWN = 20  # call-backs due listed above the queue, the oldest first
POLL_SECONDS = 20
QUEUE_ROW_FIELDS = (
    "reference",
    "state",
    "inquiry_type",
    "language",
    "first_channel",
    "risk_flags",
    "waiting_since",
    "created_at",
    "group_size",
    "no_filming",
    "state_changed_at",
    "campaign__code",
    "assigned_to__display_name",
)


def queue_languages(account: Account) -> list[str]:
    """The language queues ``account`` works: its own languages, or all for supervisors."""
    if account.role == Role.SUPERVISOR:
        return [code for code, _name in language_choices()]
    return [code for code, _name in language_choices(account.languages)]


def _rows(account: Account, filters: dict[str, Any]) -> QuerySet[Case]:
    cases = visible_cases(account).filter(state__in=OPEN_STATES)
    languages = queue_languages(account)
    if filters["language"] in languages:
        cases = cases.filter(language=filters["language"])
    else:
        cases = cases.filter(language__in=languages)
    if filters["state"]:
        cases = cases.filter(state=filters["state"])
    if filters["scope"] == SCOPE_MINE:
        cases = cases.filter(assigned_to=account)
    elif filters["scope"] == SCOPE_UNASSIGNED or account.role != Role.SUPERVISOR:
        cases = cases.filter(assigned_to=None)
    # Cases not waiting come after, oldest first (ids grow with time; the id, unlike
    # created_at, is in the queue indexes, so sorting reads no table rows).
    return cases.order_by(F("waiting_since").asc(nulls_last=True), "id")


def _page_of_cases(order: QueueOrder, number: int) -> Page[Any]:
    """One page of the queue: ids first, sorted inside the index, then those rows only.

    Sorting whole rows would read every open case of the queue from the table (tens of
    thousands at scale); sorting ids reads the index alone, and 50 rows are fetched.
    ``order`` places suspected floods after the other cases (or hides them, or lists
    only them; see ``floods.queue``).
    """
    paginator: Paginator[int] = Paginator(order, PAGE_SIZE)
    id_page = paginator.get_page(number)
    ids = [int(pk) for pk in id_page.object_list]
    # Only what a row shows: the sealed identity columns stay in the database.
    by_id = (
        Case.objects.select_related("campaign", "assigned_to").only(*QUEUE_ROW_FIELDS).in_bulk(ids)
    )
    return Page([by_id[pk] for pk in ids if pk in by_id], id_page.number, paginator)


def _unassigned_counts(account: Account) -> list[dict[str, Any]]:
    """Per language the account works: open cases nobody has, and how many wait."""
    languages = queue_languages(account)
    counts: dict[str, dict[str, Any]] = {
        row["language"]: dict(row)
        for row in Case.objects.filter(
            state__in=OPEN_STATES, assigned_to=None, language__in=languages
        )
        .values("language")
        # Columns of the queue index only (COUNT(waiting_since) counts those waiting), so
        # PostgreSQL answers from the index alone; COUNT(id) would read every row.
        .annotate(total=Count("*"), waiting=Count("waiting_since"))
    }
    return [
        {
            "code": code,
            "name": language_name(code),
            "total": counts.get(code, {}).get("total", 0),
            "waiting": counts.get(code, {}).get("waiting", 0),
        }
        for code in languages
    ]


def _queue_context(request: HttpRequest, account: Account) -> dict[str, Any]:
    form = QueueFilterForm(
        request.GET,
        languages=queue_languages(account),
        supervisor=account.role == Role.SUPERVISOR,
    )
    filters = form.filters()
    if filters["scope"] == SCOPE_ALL and account.role != Role.SUPERVISOR:
        filters["scope"] = SCOPE_UNASSIGNED
    order = QueueOrder(_rows(account, filters), filters["floods"])
    page = _page_of_cases(order, filters["page"])
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "form": form,
        "filters": filters,
        "page": page,
        "counts": _unassigned_counts(account),
        "query": query.urlencode(),
        "full_query": request.GET.urlencode(),
        "poll_seconds": POLL_SECONDS,
        "account": account,
        "scope_mine": SCOPE_MINE,
        "flood_order": order,
    }


def _with_due_callbacks(context: dict[str, Any], account: Account) -> dict[str, Any]:
    # The full page only: the polled table does not repeat the list.
    context["due_callbacks"] = list(due_callbacks(account)[:DUE_SHOWN])
    return context


@console_view(Role.OPERATOR, Role.SUPERVISOR)
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    """The language queues, longest-waiting first, with unassigned counts per language."""
    account = current_account(request)
    assert account is not None
    return render(
        request,
        "console/queue/queue.html",
        _with_due_callbacks(_queue_context(request, account), account),
    )


@console_view(Role.OPERATOR, Role.SUPERVISOR)
@require_GET
def queue_table(request: HttpRequest) -> HttpResponse:
    """The queue table alone, for the page's polling refresh (same filters, same page)."""
    account = current_account(request)
    assert account is not None
    return render(request, "console/queue/_table.html", _queue_context(request, account))


@console_view(Role.OPERATOR, Role.SUPERVISOR)
@require_GET
def waiting_for_turn(request: HttpRequest) -> HttpResponse:
    """Verified cases waiting for their turn to cross, oldest verification first.

    Shows the group size of each and the number of people waiting in total.
    """
    account = current_account(request)
    assert account is not None
    cases = (
        visible_cases(account)
        .filter(state=CaseState.VERIFIED)
        .select_related("campaign", "assigned_to")
        .only(*QUEUE_ROW_FIELDS)
        .order_by(F("state_changed_at").asc(nulls_last=True), "id")
    )
    totals = cases.aggregate(
        cases=Count("id"),
        people=Sum("group_size"),
        unknown=Count("id", filter=Q(group_size=None)),
    )
    unknown_group = totals["unknown"] or 0
    paginator = Paginator(cases, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "console/queue/waiting.html",
        {
            "page": page,
            "total_cases": totals["cases"] or 0,
            # A case without a recorded group size is one person at least.
            "total_people": (totals["people"] or 0) + unknown_group,
            "unknown_group": unknown_group,
        },
    )
