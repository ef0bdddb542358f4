"""A supervisor's verdicts on a flood group, through the domain functions."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils.crypto import get_random_string

from safepassage.accounts.models import Account
from safepassage.audit.models import AuditEvent
from safepassage.cases.domain import transition_case
from safepassage.cases.models import Case
from safepassage.cases.states import CaseState, CloseReason
from safepassage.floods.domain import (
    FloodActionRefused,
    confirm_flood,
    dismiss_flood,
    remove_member,
    settle_chunk,
)
from safepassage.floods.models import FloodGroup, FloodMembership, Verdict

from ..cases.casework import reload
from .helpers import flags_of, noted_case
from .texts import SHORT

pytestmark = pytest.mark.django_db


def run_tasks() -> None:
    """Run every due background task, as the worker's task thread does."""
    from django_tasks_db.management.commands.db_worker import Worker

    Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=get_random_string(16),
        excluded_queue_names=[],
    ).run()


def test_confirming_closes_new_and_engaged_members_as_suspected_provocation(
    burst: list[Case], personas: dict[str, Account]
) -> None:
    sofia, kim = personas["sofia"], personas["kim"]
    group = FloodGroup.objects.get()
    engaged = transition_case(burst[1], to=CaseState.ENGAGED, by=kim)
    verified = transition_case(burst[2], to=CaseState.ENGAGED, by=kim)
    verified = transition_case(verified, to=CaseState.VERIFIED, by=kim)
    assert confirm_flood(group, by=sofia) == 0
    group.refresh_from_db()
    assert (group.verdict, group.decided_by) == (Verdict.CONFIRMED, sofia)
    for case in [burst[0], engaged, *burst[3:]]:
        case = reload(case)
        assert (case.state, case.close_reason) == (
            CaseState.CLOSED,
            CloseReason.SUSPECTED_PROVOCATION,
        )
    # A person an operator has verified is never closed by a flood decision.
    assert reload(verified).state == CaseState.VERIFIED
    closings = AuditEvent.objects.filter(action="case.transition", detail__to="closed")
    assert closings.count() == 5
    assert set(closings.values_list("actor_label", flat=True)) == {"sofia"}
    event = AuditEvent.objects.get(action="flood.confirmed")
    assert event.object_ref == str(group.pk)
    assert event.detail["members"] == 6
    assert event.detail["to_close"] == 5


def test_confirming_again_closes_cases_that_joined_since(
    burst: list[Case], personas: dict[str, Account]
) -> None:
    group = FloodGroup.objects.get()
    confirm_flood(group, by=personas["sofia"])
    late = noted_case(SHORT[1])
    assert flags_of(late, "flood:") == [f"flood:{group.pk}"]
    assert reload(late).state == CaseState.NEW
    confirm_flood(group, by=personas["sofia"])
    assert reload(late).state == CaseState.CLOSED


def test_not_a_flood_takes_the_flood_flags_away_and_keeps_the_cases_open(
    burst: list[Case], personas: dict[str, Account]
) -> None:
    group = FloodGroup.objects.get()
    Case.objects.filter(pk=burst[0].pk).update(
        risk_flags=[*reload(burst[0]).risk_flags, "shared_contact:AAA-BBB-CCC"]
    )
    assert dismiss_flood(group, by=personas["sofia"]) == 0
    for case in burst:
        case = reload(case)
        assert flags_of(case, "flood:") == []
        assert case.state == CaseState.NEW
    assert "shared_contact:AAA-BBB-CCC" in reload(burst[0]).risk_flags
    assert not FloodMembership.objects.filter(flagged=True).exists()
    assert AuditEvent.objects.filter(action="flood.dismissed", object_ref=str(group.pk)).exists()


def test_a_confirmed_flood_cannot_then_be_called_not_a_flood(
    burst: list[Case], personas: dict[str, Account]
) -> None:
    group = FloodGroup.objects.get()
    confirm_flood(group, by=personas["sofia"])
    with pytest.raises(FloodActionRefused):
        dismiss_flood(group, by=personas["sofia"])
    assert FloodGroup.objects.get().verdict == Verdict.CONFIRMED


def test_not_a_flood_can_later_be_confirmed_and_flags_come_back(
    burst: list[Case], personas: dict[str, Account]
) -> None:
    group = FloodGroup.objects.get()
    dismiss_flood(group, by=personas["sofia"])
    confirm_flood(group, by=personas["sofia"])
    for case in burst:
        assert flags_of(case, "flood:") == [f"flood:{group.pk}"]
        assert reload(case).state == CaseState.CLOSED


def test_removing_a_genuine_member_takes_its_flag_and_membership_away(
    burst: list[Case], personas: dict[str, Account]
) -> None:
    group = FloodGroup.objects.get()
    genuine = burst[3]
    remove_member(group, genuine, by=personas["sofia"])
    assert flags_of(genuine, "flood:") == []
    assert not FloodMembership.objects.filter(case=genuine).exists()
    event = AuditEvent.objects.get(action="flood.member_removed")
    assert (event.object_ref, event.detail) == (genuine.reference, {"group": group.pk})
    confirm_flood(group, by=personas["sofia"])
    assert reload(genuine).state == CaseState.NEW
    with pytest.raises(FloodActionRefused):
        remove_member(group, genuine, by=personas["sofia"])


def test_a_verdict_is_carried_out_chunk_by_chunk(
    burst: list[Case], personas: dict[str, Account]
) -> None:
    group = FloodGroup.objects.get()
    FloodGroup.objects.filter(pk=group.pk).update(
        verdict=Verdict.CONFIRMED, decided_by=personas["sofia"]
    )
    assert settle_chunk(group.pk, limit=2) == 4
    assert Case.objects.filter(state=CaseState.CLOSED).count() == 2
    assert settle_chunk(group.pk, limit=2) == 2
    assert settle_chunk(group.pk, limit=5) == 0
    assert Case.objects.filter(state=CaseState.CLOSED).count() == 6


@pytest.mark.django_db(transaction=True)  # the task worker manages its own connection
def test_a_large_group_is_finished_by_a_background_task(
    settings: Any, personas: dict[str, Account]
) -> None:
    settings.SAFEPASSAGE_FLOOD_BURST = "5/600"
    for _ in range(106):
        noted_case(SHORT[0])
    group = FloodGroup.objects.get()
    remaining = confirm_flood(group, by=personas["sofia"])
    assert remaining == 6  # the request closed the first hundred
    assert Case.objects.filter(state=CaseState.NEW).count() == 6
    run_tasks()
    assert not Case.objects.filter(state=CaseState.NEW).exists()
