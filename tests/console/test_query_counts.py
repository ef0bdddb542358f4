"""The number of database queries of every console page, pinned.

As pretalx pins its list views: each page is opened by a persona allowed to see it and
must run exactly the number of queries in the table below; a list page is opened with 1
and with 3 items and must run the same number both times (a per-row query shows up as a
difference of 2).  The console URLconf is walked as in test_access_matrix.py, so a new
GET-able console page without a pinned count fails here.

Each page is requested once before it is counted, so process-wide caches are warm
whatever ran before; the count is then the page's own, in steady state.  A list page
is set up with its relations filled (a campaign and an operator on each queued case,
a decider on each flood group...) and must show every item, so an equal count cannot
come from an empty list.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries
from pytest_django.fixtures import Settings

from safepassage.accounts.models import Account
from safepassage.cases.domain import open_case
from safepassage.crypto.keys import Keyring

from .helpers import force_verified_login
from .query_pages import PAGES, World, search_results
from .test_access_matrix import ROUTES, ConsoleRoute, url_for

# name -> queries of one GET, or (SQLite, PostgreSQL) where the two differ.  "2" is the
# floor of a signed-in page: the session row and the account.  An audit event written
# on view costs 4 (read the chain head, the next event id that the hash covers, insert
# the event, move the head).  Pages for admins and supervisors also read the open
# security alerts (one audit query) and the access requests waiting for them (one).
EXPECTED: dict[str, int | tuple[int, int]] = {
    "console:sign-in": 1,  # the (anonymous) session only
    "console:sign-in-code": 2,  # session + the account half-way through signing in
    "console:enrol": 2,  # session + the approved enrolment (its account joined)
    # Session, account, and (operators and supervisors) the call-backs due, case joined.
    "console:home": 3,
    "console:my-security": 2,
    "console:password": 2,
    "console:accounts": 5,
    "console:account-create": 2,
    "console:account-detail": 4,
    "console:access-requests": 4,
    "console:enrol-code": 1,  # the anonymous session
    # The case asked about, then a count and the first references of each of the nine
    # rules (a fixed 18, whatever the number of cases), its retention row and whether
    # an open register record holds it.
    "console:retention": 23,
    # The clients, creator and decider joined (one query, whatever their number).
    "console:api-clients": 3,
    "console:api-client-create": 2,
    "console:audit": 3,  # one page of events; the actor's name is stored on the event
    "console:campaigns": 3,
    "console:campaign-create": 2,
    # The campaign, its "ended code seen" count, and the Telegram channel read twice
    # (bot name and link) for the leaflet links.
    "console:campaign": 6,
    "console:campaign-leaflet": 7,  # the campaign + a campaign.leaflet audit event
    # Supervisor, all scopes: count of the queue, count of its suspected floods, the
    # page of ids, those rows (campaign and operator joined), per-language counts, and
    # the call-backs due listed above the queue (case joined; the polled table omits it).
    "console:queue": 8,
    "console:queue-table": 7,
    "console:waiting": 5,  # totals, paginator count, the rows (operator joined)
    # Case, contacts, audit event (3), messages and notes (authors joined), canned
    # replies, merges (both cases and both accounts joined), and the assign form's
    # candidates read as accounts then filtered by id (2); issue 15: the messages'
    # attachments (prefetched), their deliveries, and the case's call-backs (3).  Each
    # chat contact's session adds one (a case has a handful of contacts; none here).
    "console:case": 17,
    # Both cases, two case.viewed events (6), and messages/contacts/notes counted per
    # side (6): always two sides, so no list grows here.
    "console:case-merge": 18,
    "console:search": 3,  # the form's campaign choices
    "console:supervision": 7,  # on-shift accounts, waiting per language, response times
    "console:canned": 3,
    "console:canned-edit": 3,
    "console:channels": 3,
    "console:channel-create": 2,
    "console:channel-edit": 3,
    "console:hotline-call": 3,  # the form's campaign choices
    # The attachment, its case (again, through get_case_for), and a media.opened event
    # in its own savepoint (5).
    "console:media-file": 10,
    # Count and page of records (cards annotated), the register.list event (3), five
    # aggregate counts for the summary, and the surrendered cases still without a record.
    "console:register": 14,
    "console:register-cards": 3,  # due cards, record joined
    "console:register-counts": 7,  # five aggregate queries
    # Record, cards (issuer joined), events (recorder joined), wishes, and the view event.
    "console:register-record": 10,
    "console:register-edit": 7,
    "console:register-card-pdf": 8,
    # Records due (read once, counted in Python) and the batches (both accounts joined).
    "console:register-exports": 4,
    "console:register-export": 7,  # the batch (its records are in its sealed payload)
    "console:register-export-file": 7,
    "console:register-export-signature": 7,
    "console:register-verify-key": 2,
    "console:register-case-status": 4,
    # Squashing fresh counter rows first (PostgreSQL also takes the squash's advisory
    # lock, SQLite needs none), then one aggregate per chart and table.
    "console:stats": (17, 18),
    "console:stats-public": 4,
    "console:stats-export": 14,  # the dashboard's aggregates without the squash
    # Paginator count, the page of ids, those groups (member counts annotated, decider
    # joined), and the "awaiting a decision" count.
    "console:floods": 6,
    # The group (decider joined), member aggregates, channels, paginator count, members.
    "console:flood": 7,
}
# The search form posted (the query stays out of the URL), with 1 and 3 cases found:
# campaign choices and the page of results (campaign, operator, merge target joined).
SEARCH_RESULTS: int | tuple[int, int] = 4

# Console URLs that answer GET with 405 (actions); checked below, so a GET-able page
# cannot hide here.
POST_ONLY = {
    "console:api-client-approve",
    "console:api-client-refuse",
    "console:api-client-revoke",
    "console:sign-out",
    "console:language",
    "console:recovery-codes",
    "console:sign-out-everywhere",
    "console:audit-verify",
    "console:account-deactivate",
    "console:account-reactivate",
    "console:account-reset-sign-in",
    "console:access-request-approve",
    "console:access-request-refuse",
    "console:retention-hold",
    "console:retention-purge-forward",
    "console:account-on-shift",
    "console:account-off-shift",
    "console:case-reply",
    "console:case-note",
    "console:case-transition",
    "console:case-claim",
    "console:case-release",
    "console:case-assign",
    "console:case-identity",
    "console:case-media",
    "console:case-relative",
    "console:case-unmerge",
    "console:channel-register-webhook",
    "console:channel-rotate-verify-token",
    "console:callback-schedule",
    "console:callback-done",
    "console:template-reply",
    "console:message-resend",
    "console:sms-segments",
    "console:register-open",
    "console:register-event",
    "console:register-wish",
    "console:register-consent",
    "console:register-card-issue",
    "console:register-card-sent",
    "console:register-export-prepare",
    "console:register-export-approve",
    "console:register-export-reject",
    "console:flood-confirm",
    "console:flood-dismiss",
    "console:flood-member-remove",
}


def _expected(count: int | tuple[int, int]) -> int:
    if isinstance(count, tuple):
        return count[0] if connection.vendor == "sqlite" else count[1]
    return count


@pytest.fixture
def world(personas: dict[str, Account], installed_keys: Keyring, settings: Settings) -> World:
    return World(personas, installed_keys, settings)


def _client_for(world: World, persona: str | None) -> Client:
    client = Client()
    if persona is not None:
        force_verified_login(client, world.personas[persona])
    return client


def test_every_get_able_console_page_has_a_pinned_count() -> None:
    """A console URL is either in the table (with a way to open it) or an action that
    refuses GET; nothing is in the table that the URLconf no longer has."""
    names = {route.name for route in ROUTES}
    assert set(EXPECTED) == set(PAGES)
    assert not set(EXPECTED) & POST_ONLY
    unpinned = names - set(EXPECTED) - POST_ONLY
    assert not unpinned, f"console pages without a pinned query count: {sorted(unpinned)}"
    assert set(EXPECTED) | POST_ONLY <= names, "the table names URLs that no longer exist"


@pytest.mark.parametrize("route", [r for r in ROUTES if r.name in POST_ONLY], ids=lambda r: r.name)
def test_actions_left_out_of_the_table_refuse_get(route: ConsoleRoute, world: World) -> None:
    roles: frozenset[str] = getattr(route.view, "console_roles", frozenset())
    persona = next((name for name, a in world.personas.items() if a.role in roles), None)
    case = open_case(channel="web", language="ko")
    response = _client_for(world, persona).get(url_for(route, case, world.personas))
    assert response.status_code == 405


def _cases() -> list[tuple[str, int]]:
    return [(name, n) for name, page in PAGES.items() for n in ((1, 3) if page.listing else (1,))]


@pytest.mark.parametrize(("name", "items"), _cases(), ids=lambda v: str(v))
def test_page_runs_the_pinned_number_of_queries(
    name: str,
    items: int,
    world: World,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    page = PAGES[name]
    url = page.build(world, items)
    client = _client_for(world, page.persona)
    if page.prepare is not None:
        page.prepare(client, world)
    # One request first: process-wide caches (translations, content types) are then
    # filled whatever ran before, so the count is the page's own.
    assert client.get(url).status_code == 200
    with django_assert_num_queries(_expected(EXPECTED[name])):
        response = client.get(url)
    assert response.status_code == 200
    content = response.content.decode() if response["Content-Type"].startswith("text/") else ""
    for text in world.shown:
        assert text in content, f"{name} does not show {text!r}"


@pytest.mark.parametrize("items", [1, 3])
def test_search_results_run_the_pinned_number_of_queries(
    items: int, world: World, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    data = search_results(world, items)
    client = _client_for(world, "kim")
    assert client.post(reverse("console:search"), data).status_code == 200
    with django_assert_num_queries(_expected(SEARCH_RESULTS)):
        response = client.post(reverse("console:search"), data)
    assert response.status_code == 200
    case_links = reverse("console:case", args=["-"]).removesuffix("-/")
    assert response.content.decode().count(f'<td><a href="{case_links}') == items
