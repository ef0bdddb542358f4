"""Supervision figures: shift coverage and time to first response."""

from __future__ import annotations

import datetime

import pytest
from django.test import override_settings
from django.utils import timezone

from safepassage.accounts.models import Account
from safepassage.cases.domain import claim_case, post_reply, transition_case
from safepassage.cases.domain.metrics import (
    first_response_stats,
    first_response_target,
    percentile,
    shift_coverage,
)
from safepassage.cases.models import Case

from .casework import make_case

pytestmark = pytest.mark.django_db


def _on_shift(*accounts: Account) -> None:
    Account.objects.filter(pk__in=[a.pk for a in accounts]).update(on_shift=True)


def test_a_language_with_waiting_cases_and_no_reader_on_shift_raises_an_alert(
    personas: dict[str, Account],
) -> None:
    make_case(language="ko")
    make_case(language="ru")
    _on_shift(personas["olga"])  # reads ru, uk
    coverage = shift_coverage(["ru", "ko", "uk", "en"])
    rows = {row.language: row for row in coverage.languages}
    assert [a.username for a in coverage.on_shift] == ["olga"]
    assert rows["ru"].readers_on_shift == ["olga"]
    assert not rows["ru"].uncovered
    assert rows["ko"].waiting == 1
    assert rows["ko"].uncovered
    assert [row.language for row in coverage.alerts] == ["ko"]
    # Nobody waits in English: no alert although nobody on shift reads it.
    assert not rows["en"].uncovered


def test_cases_not_waiting_raise_no_alert(personas: dict[str, Account]) -> None:
    case = make_case(language="ko")
    post_reply(case, by=personas["sofia"], text="안녕하세요")
    assert shift_coverage(["ko"]).alerts == []


def test_unassigned_counts_only_cases_nobody_has(personas: dict[str, Account]) -> None:
    claim_case(make_case(language="ko"), by=personas["kim"])
    make_case(language="ko")
    row = shift_coverage(["ko"]).languages[0]
    assert (row.waiting, row.unassigned) == (2, 1)


def test_inactive_or_off_shift_accounts_do_not_cover(personas: dict[str, Account]) -> None:
    make_case(language="ko")
    _on_shift(personas["kim"], personas["adam"])
    Account.objects.filter(pk=personas["kim"].pk).update(is_active=False)
    assert [row.language for row in shift_coverage(["ko"]).alerts] == ["ko"]


def test_percentile_is_nearest_rank() -> None:
    assert percentile([], 0.5) is None
    assert percentile([5.0], 0.9) == 5.0
    assert percentile([1, 2, 3, 4], 0.5) == 2
    assert percentile(list(range(1, 11)), 0.9) == 9


def _answered_after(personas: dict[str, Account], minutes: int) -> Case:
    received = timezone.now() - datetime.timedelta(minutes=minutes + 1)
    case = make_case(received_at=received)
    Case.objects.filter(pk=case.pk).update(
        first_response_at=received + datetime.timedelta(minutes=minutes)
    )
    return case


def test_first_response_median_p90_and_cases_over_target(personas: dict[str, Account]) -> None:
    for minutes in [2, 4, 6, 8, 10, 12, 14, 20, 40, 60]:
        _answered_after(personas, minutes)
    waiting = make_case(received_at=timezone.now() - datetime.timedelta(minutes=30))
    make_case()  # just arrived: not late yet
    closed = make_case(received_at=timezone.now() - datetime.timedelta(hours=3))
    transition_case(closed, to="closed", by=personas["sofia"], reason="suspected_provocation")

    stats = first_response_stats(since=timezone.now() - datetime.timedelta(days=1))
    assert stats.cases == 13
    assert stats.answered == 10
    assert stats.median == datetime.timedelta(minutes=10)
    assert stats.p90 == datetime.timedelta(minutes=40)
    assert stats.target == datetime.timedelta(minutes=15)
    # 20, 40, 60 minutes answered late, plus the one waiting 30 minutes unanswered.
    assert stats.over_target == 4
    assert stats.late[0].delay == datetime.timedelta(minutes=60)
    assert [c.reference for c in stats.late if not c.answered] == [waiting.reference]


def test_a_real_reply_sets_the_first_response_time(personas: dict[str, Account]) -> None:
    case = make_case(received_at=timezone.now() - datetime.timedelta(minutes=5))
    post_reply(case, by=personas["kim"], text="네")
    stats = first_response_stats(since=timezone.now() - datetime.timedelta(hours=1))
    assert stats.answered == 1
    assert stats.median is not None
    assert datetime.timedelta(minutes=4) < stats.median < datetime.timedelta(minutes=6)


@override_settings(SAFEPASSAGE_FIRST_RESPONSE_TARGET_MINUTES=5)
def test_the_target_is_configurable(personas: dict[str, Account]) -> None:
    assert first_response_target() == datetime.timedelta(minutes=5)
    _answered_after(personas, 8)
    assert first_response_stats(since=timezone.now() - datetime.timedelta(hours=1)).over_target == 1
