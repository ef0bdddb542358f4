"""The Floods pages and the queue's handling of suspected floods, with the personas."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safepassage.accounts.models import Account
from safepassage.cases.models import Case
from safepassage.cases.states import CaseState, CloseReason
from safepassage.floods.models import FloodGroup, FloodMembership, Verdict

from ..cases.casework import make_case, reload
from ..console.helpers import force_verified_login
from .helpers import flags_of, noted_case
from .texts import MESSAGES

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
_ROW = re.compile(r'<tr data-reference="([^"]+)"')


def _client(account: Account) -> Client:
    client = Client()
    force_verified_login(client, account)
    return client


def _urls(group: FloodGroup, case: Case) -> dict[str, str]:
    return {
        "list": reverse("console:floods"),
        "detail": reverse("console:flood", args=[group.pk]),
        "confirm": reverse("console:flood-confirm", args=[group.pk]),
        "dismiss": reverse("console:flood-dismiss", args=[group.pk]),
        "remove": reverse("console:flood-member-remove", args=[group.pk, case.reference]),
    }


def test_a_supervisor_sees_the_groups_and_their_cases(
    burst: list[Case], personas: dict[str, Account]
) -> None:
    group = FloodGroup.objects.get()
    sofia = _client(personas["sofia"])
    listing = sofia.get(reverse("console:floods")).content.decode()
    assert f'data-group="{group.pk}"' in listing
    assert "Burst of new cases" in listing
    page = sofia.get(reverse("console:flood", args=[group.pk])).content.decode()
    for case in burst:
        assert reverse("console:case", args=[case.reference]) in page
    assert "Confirm flood" in page
    assert "Not a flood" in page
    assert f"In suspected flood #{group.pk}" in page


@pytest.mark.parametrize("name", ["kim", "olga", "roman", "anna", "adam"])
def test_no_other_role_may_see_or_decide_on_a_flood(
    name: str, burst: list[Case], personas: dict[str, Account]
) -> None:
    group = FloodGroup.objects.get()
    client = _client(personas[name])
    for label, url in _urls(group, burst[0]).items():
        response = client.get(url) if label in ("list", "detail") else client.post(url, {})
        assert response.status_code == 403, (label, response.status_code)
        assert burst[0].reference.encode() not in response.content
    assert FloodGroup.objects.get().verdict == Verdict.OPEN
    assert FloodMembership.objects.count() == 6


def test_the_navigation_offers_floods_to_supervisors_only(personas: dict[str, Account]) -> None:
    link = f'href="{reverse("console:floods")}"'
    assert link in _client(personas["sofia"]).get(reverse("console:home")).content.decode()
    for name in ["kim", "roman", "anna", "adam"]:
        home = _client(personas[name]).get(reverse("console:home")).content.decode()
        assert link not in home, name


def test_confirming_with_htmx_answers_the_groups_section_with_the_cases_closed(
    burst: list[Case], personas: dict[str, Account]
) -> None:
    group = FloodGroup.objects.get()
    response = _client(personas["sofia"]).post(
        reverse("console:flood-confirm", args=[group.pk]), {"checked": "yes"}, headers=HTMX
    )
    assert response.status_code == 200
    section = response.content.decode()
    assert section.lstrip().startswith('<section id="flood-group"')
    assert "Confirmed as a flood." in section
    for case in burst:
        case = reload(case)
        assert (case.state, case.close_reason) == (
            CaseState.CLOSED,
            CloseReason.SUSPECTED_PROVOCATION,
        )
    assert FloodGroup.objects.get().verdict == Verdict.CONFIRMED


def test_confirming_without_ticking_the_box_closes_nothing(
    burst: list[Case], personas: dict[str, Account]
) -> None:
    group = FloodGroup.objects.get()
    response = _client(personas["sofia"]).post(
        reverse("console:flood-confirm", args=[group.pk]), {}, headers=HTMX
    )
    assert "Nothing was closed." in response.content.decode()
    assert 'role="alert"' in response.content.decode()
    assert not Case.objects.filter(state=CaseState.CLOSED).exists()
    assert FloodGroup.objects.get().verdict == Verdict.OPEN


def test_without_javascript_a_verdict_comes_back_as_a_page_with_a_notice(
    burst: list[Case], personas: dict[str, Account]
) -> None:
    group = FloodGroup.objects.get()
    sofia = _client(personas["sofia"])
    response = sofia.post(reverse("console:flood-dismiss", args=[group.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("console:flood", args=[group.pk])
    page = sofia.get(response["Location"]).content.decode()
    assert "Marked as not a flood." in page
    assert "Not a flood" in page
    assert all(flags_of(case, "flood:") == [] for case in burst)
    # Decided: no second "not a flood", and the list of groups awaiting one is empty.
    again = sofia.post(reverse("console:flood-dismiss", args=[group.pk]), headers=HTMX)
    assert "already been decided" in again.content.decode()
    assert (
        "No flood group awaits a decision." in sofia.get(reverse("console:floods")).content.decode()
    )


def test_a_supervisor_takes_a_genuine_case_out_of_a_group(
    burst: list[Case], personas: dict[str, Account]
) -> None:
    group = FloodGroup.objects.get()
    genuine = burst[2]
    response = _client(personas["sofia"]).post(
        reverse("console:flood-member-remove", args=[group.pk, genuine.reference]),
        headers=HTMX,
    )
    assert f"Case {genuine.reference} was taken out of this group." in response.content.decode()
    assert not FloodMembership.objects.filter(case=genuine).exists()
    assert flags_of(genuine, "flood:") == []


def _queue_order(client: Client, **params: str) -> list[str]:
    response = client.get(reverse("console:queue"), {"scope": "all", "language": "ru", **params})
    assert response.status_code == 200
    return _ROW.findall(response.content.decode())


def test_suspected_floods_are_listed_after_the_other_cases(
    burst: list[Case], personas: dict[str, Account]
) -> None:
    # One person wrote before the burst (waiting longest), one after it.
    before = make_case(
        language="ru", message="раньше", received_at=timezone.now() - datetime.timedelta(hours=1)
    )
    after = make_case(language="ru", message="позже")
    sofia = _client(personas["sofia"])
    order = _queue_order(sofia)
    assert order[:2] == [before.reference, after.reference]
    assert set(order[2:]) == {case.reference for case in burst}
    page = sofia.get(reverse("console:queue"), {"scope": "all"}).content.decode()
    assert "6 cases in suspected floods are listed after the other cases." in page
    assert page.index("Suspected floods:") < page.index(burst[0].reference)
    assert page.index(after.reference) < page.index("Suspected floods:")


def test_operators_may_hide_suspected_floods_or_list_only_them(
    burst: list[Case], personas: dict[str, Account]
) -> None:
    genuine = make_case(language="ru", message="помогите")
    olga = _client(personas["olga"])
    assert _queue_order(olga, scope="unassigned", floods="hidden") == [genuine.reference]
    only = _queue_order(olga, scope="unassigned", floods="only")
    assert set(only) == {case.reference for case in burst}
    assert len(_queue_order(olga, scope="unassigned", floods="nonsense")) == 7


def test_after_not_a_flood_the_cases_take_their_usual_place(
    burst: list[Case], personas: dict[str, Account]
) -> None:
    later = make_case(language="ru", message="позже")
    sofia = _client(personas["sofia"])
    sofia.post(reverse("console:flood-dismiss", args=[FloodGroup.objects.get().pk]))
    order = _queue_order(sofia)
    assert order == [*(case.reference for case in burst), later.reference]
    assert "suspected flood" not in sofia.get(reverse("console:queue")).content.decode()


@pytest.mark.parametrize("suspects", [1, 3])
def test_queue_query_count_with_suspected_floods_does_not_grow(
    suspects: int,
    settings: Any,
    personas: dict[str, Account],
    django_assert_num_queries: Any,
) -> None:
    settings.SAFEPASSAGE_FLOOD_BURST = "0"
    settings.SAFEPASSAGE_FLOOD_CLUSTER_SIZE = 2
    make_case(language="ru", message="помогите")
    for _ in range(suspects + 1):
        noted_case(MESSAGES["ru"][0])
    client = _client(personas["sofia"])
    client.get(reverse("console:queue"))  # warm the session
    # Session, account, unassigned counts, queue count, suspect count, the other cases'
    # ids, the suspects' ids, rows; and the call-backs due shown above the queue (issue 15).
    with django_assert_num_queries(9):
        response = client.get(reverse("console:queue"), {"scope": "all"})
    assert len(response.context["page"].object_list) == suspects + 2


def test_near_duplicate_and_flood_flags_read_as_words_in_the_queue(
    settings: Any, personas: dict[str, Account]
) -> None:
    settings.SAFEPASSAGE_FLOOD_CLUSTER_SIZE = 2
    first = noted_case(MESSAGES["ru"][1])
    second = noted_case(MESSAGES["ru"][1] + "!")
    group = FloodGroup.objects.get()
    page = _client(personas["olga"]).get(reverse("console:queue")).content.decode()
    assert f"Near-duplicate of {first.reference}" in page
    assert f"Near-duplicate of {second.reference}" in page
    assert f"In suspected flood #{group.pk}" in page
