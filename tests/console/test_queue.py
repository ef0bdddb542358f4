"""The queue page: per-language queues, waiting order, claiming, polling, query counts."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safepassage.accounts.models import Account
from safepassage.audit.models import AuditEvent
from safepassage.campaigns.models import Campaign
from safepassage.cases.domain import claim_case, post_reply
from safepassage.cases.models import Case

from ..cases.casework import make_case, reload
from .helpers import force_verified_login

pytestmark = pytest.mark.django_db


def _client(account: Account) -> Client:
    client = Client()
    force_verified_login(client, account)
    return client


def _queue(client: Client, **params: str) -> str:
    response = client.get(reverse("console:queue"), params)
    assert response.status_code == 200
    return response.content.decode()


def _ago(minutes: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(minutes=minutes)


def test_operator_sees_only_the_queues_of_its_languages(personas: dict[str, Account]) -> None:
    korean, russian, english = (
        make_case(language="ko"),
        make_case(language="ru"),
        make_case(language="en"),
    )
    page = _queue(_client(personas["kim"]))  # reads ko, ru
    assert korean.reference in page
    assert russian.reference in page
    assert english.reference not in page
    page = _queue(_client(personas["kim"]), language="en")  # not its language: ignored
    assert english.reference not in page


def test_rows_are_sorted_by_how_long_people_have_waited(personas: dict[str, Account]) -> None:
    recent = make_case(received_at=_ago(3))
    oldest = make_case(received_at=_ago(50))
    middle = make_case(received_at=_ago(20))
    answered = make_case(received_at=_ago(90))
    post_reply(answered, by=personas["kim"], text="네")
    page = _queue(_client(personas["kim"]), language="ko")
    positions = [page.index(c.reference) for c in (oldest, middle, recent, answered)]
    assert positions == sorted(positions)


def test_rows_show_waiting_time_type_channel_campaign_and_flags(
    personas: dict[str, Account],
) -> None:
    case = make_case(received_at=_ago(65), channel="telegram", inquiry_type="family_member")
    campaign = Campaign.objects.create(code="KURSK24", title="Kursk")
    Case.objects.filter(pk=case.pk).update(
        campaign=campaign, risk_flags=["shared_contact:AAA-BBB-CCC"]
    )
    page = _queue(_client(personas["kim"]))
    assert "1 h 05 min" in page
    assert "Family member writing" in page
    assert "Telegram" in page
    assert "KURSK24" in page
    assert "Shares a contact with AAA-BBB-CCC" in page


def test_unassigned_counts_per_language(personas: dict[str, Account]) -> None:
    make_case(language="ko")
    make_case(language="ko")
    claim_case(make_case(language="ko"), by=personas["kim"])
    make_case(language="ru")
    client = _client(personas["kim"])
    response = client.get(reverse("console:queue"))
    counts = {row["code"]: row["total"] for row in response.context["counts"]}
    assert counts == {"ru": 1, "ko": 2}


def test_mine_shows_my_cases_and_never_a_colleagues(personas: dict[str, Account]) -> None:
    mine = claim_case(make_case(language="ru"), by=personas["kim"])
    theirs = claim_case(make_case(language="ru"), by=personas["olga"])
    page = _queue(_client(personas["kim"]), scope="mine")
    assert mine.reference in page
    assert theirs.reference not in page
    # "everyone's" is for supervisors; an operator asking for it gets the open queue.
    page = _queue(_client(personas["kim"]), scope="all")
    assert theirs.reference not in page


def test_supervisor_sees_everyones_cases(personas: dict[str, Account]) -> None:
    theirs = claim_case(make_case(language="ko"), by=personas["kim"])
    page = _queue(_client(personas["sofia"]), scope="all")
    assert theirs.reference in page


def test_the_table_polls_itself_with_the_same_filters(personas: dict[str, Account]) -> None:
    page = _queue(_client(personas["kim"]), language="ko", state="new", page="1")
    table_url = reverse("console:queue-table")
    assert f'hx-get="{table_url}?language=ko&amp;state=new&amp;page=1"' in page
    assert 'hx-trigger="every 20s"' in page
    assert "X-Console-Poll" in page


def test_the_polled_fragment_is_the_table_alone(personas: dict[str, Account]) -> None:
    case = make_case()
    response = _client(personas["kim"]).get(
        reverse("console:queue-table"), {"language": "ko"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="queue-table"')
    assert case.reference in body
    assert "<html" not in body


def test_polling_after_sign_out_sends_the_whole_page_to_sign_in() -> None:
    response = Client().get(reverse("console:queue-table"), HTTP_HX_REQUEST="true")
    assert response.status_code == 401
    assert response["HX-Redirect"].startswith(reverse("console:sign-in"))


def test_claiming_from_the_queue_opens_the_case(personas: dict[str, Account]) -> None:
    case = make_case()
    client = _client(personas["kim"])
    response = client.post(reverse("console:case-claim", args=[case.reference]))
    assert response.status_code == 302
    assert response["Location"] == reverse("console:case", args=[case.reference])
    assert reload(case).assigned_to_id == personas["kim"].pk


def test_claiming_a_case_a_colleague_just_took_says_so_and_changes_nothing(
    personas: dict[str, Account],
) -> None:
    case = make_case(language="ru")
    claim_case(case, by=personas["olga"])
    client = _client(personas["kim"])
    response = client.post(reverse("console:case-claim", args=[case.reference]), follow=True)
    assert "not available to you" in response.content.decode()
    assert reload(case).assigned_to_id == personas["olga"].pk
    assert AuditEvent.objects.filter(action="case.claimed").count() == 1


def test_claiming_a_forged_reference_reveals_nothing(personas: dict[str, Account]) -> None:
    client = _client(personas["kim"])
    response = client.post(reverse("console:case-claim", args=["ZZZ-ZZZ-ZZZ"]), follow=True)
    assert "not available to you" in response.content.decode()


def test_waiting_for_turn_lists_verified_cases_with_group_sizes(
    personas: dict[str, Account],
) -> None:
    waiting = []
    for size in (3, None):
        case = make_case(language="ru")
        Case.objects.filter(pk=case.pk).update(
            state="verified", group_size=size, state_changed_at=_ago(60)
        )
        waiting.append(case)
    engaged = make_case(language="ru")
    response = _client(personas["sofia"]).get(reverse("console:waiting"))
    body = response.content.decode()
    assert all(case.reference in body for case in waiting)
    assert engaged.reference not in body
    assert response.context["total_cases"] == 2
    assert response.context["total_people"] == 4


@pytest.mark.parametrize("rows", [1, 3])
def test_queue_page_query_count_does_not_grow_with_rows(
    personas: dict[str, Account], django_assert_num_queries: object, rows: int
) -> None:
    campaign = Campaign.objects.create(code="LIVE", title="Leaflet")
    for _ in range(rows):
        case = make_case(language="ru")
        Case.objects.filter(pk=case.pk).update(campaign=campaign, assigned_to=personas["olga"])
    client = _client(personas["sofia"])
    client.get(reverse("console:queue"))  # warm the session
    # Session, account, unassigned counts, page count, suspected-flood count (floods.queue),
    # page ids, rows: seven, whatever the rows.
    with django_assert_num_queries(QUEUE_QUERIES):  # type: ignore[operator]
        response = client.get(reverse("console:queue"), {"scope": "all"})
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == rows


QUEUE_QUERIES = 8  # issue 15: + the call-backs due above the queue


def test_queue_visibility_is_the_same_rule_as_get_case_for(personas: dict[str, Account]) -> None:
    from django.http import Http404

    from safepassage.cases.rules import CaseAction, visible_cases
    from safepassage.console.access import get_case_for

    cases = []
    for language in ["ko", "ru", "uk", "en"]:
        for holder in [None, "kim", "olga", "sofia"]:
            case = make_case(language=language)
            if holder is not None:
                Case.objects.filter(pk=case.pk).update(assigned_to=personas[holder])
            cases.append(reload(case))
    for name in ["kim", "olga", "sofia", "roman", "anna", "adam"]:
        account = personas[name]
        visible = set(visible_cases(account).values_list("pk", flat=True))
        for case in cases:
            try:
                get_case_for(account, case.reference, action=CaseAction.VIEW)
                opened = True
            except Http404:
                opened = False
            # The rule spelled out: supervisors see all; operators their languages'
            # unassigned cases and their own; nobody else sees an open case.
            expected = account.role == "supervisor" or (
                account.role == "operator"
                and case.language in account.languages
                and case.assigned_to_id in (None, account.pk)
            )
            assert (case.pk in visible) == opened == expected, (
                name,
                case.language,
                case.assigned_to_id,
            )
