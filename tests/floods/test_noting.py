"""note_new_case on a real database: near-duplicates, clusters, bursts, caps and cost."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from safepassage.audit.models import AuditEvent
from safepassage.crypto.keys import Keyring, new_keyring
from safepassage.floods.domain import note_new_case
from safepassage.floods.fingerprint import arrival_digest, fingerprint
from safepassage.floods.models import CaseMark, FloodGroup, FloodMembership, GroupKind, MarkKind

from ..cases.casework import make_case
from .helpers import flags_of, noted_case
from .texts import MESSAGES, SHORT

pytestmark = pytest.mark.django_db

TEXT = MESSAGES["ru"][0]
# The same message as a flood script or a copying person would vary it.
VARIANTS = [
    TEXT,
    TEXT.replace("Белгородской", "Курской"),
    TEXT.upper() + "!!!",
    TEXT.replace("мобилизованный", "мобилизованный 2024"),
    TEXT.replace("подскажите", "подскажите пожалуйста"),
    TEXT.replace(",", ""),
    TEXT + " 555",
]


def test_two_near_duplicates_are_flagged_with_each_others_reference() -> None:
    first = noted_case(TEXT)
    second = noted_case(VARIANTS[1])
    assert flags_of(second, "near_duplicate:") == [f"near_duplicate:{first.reference}"]
    assert flags_of(first, "near_duplicate:") == [f"near_duplicate:{second.reference}"]


def test_unrelated_messages_are_not_flagged() -> None:
    cases = [noted_case(text) for text in MESSAGES["ru"]]
    assert all(case.risk_flags == [] for case in cases)
    assert all(flags_of(case, "") == [] for case in cases)


def test_near_duplicates_are_found_across_channels_and_languages_of_queue() -> None:
    web = noted_case(MESSAGES["ko"][0], channel="web", language="ko")
    telegram = noted_case(MESSAGES["ko"][0] + "!", channel="telegram", language="ko")
    assert flags_of(telegram, "near_duplicate:") == [f"near_duplicate:{web.reference}"]


@pytest.mark.parametrize("text", SHORT)
def test_short_messages_never_make_near_duplicates(text: str) -> None:
    cases = [noted_case(text) for _ in range(6)]
    assert all(flags_of(case, "") == [] for case in cases)
    assert not FloodGroup.objects.exists()
    # Their arrivals still count towards a burst.
    assert CaseMark.objects.filter(kind=MarkKind.ARRIVAL).count() == 6
    assert not CaseMark.objects.filter(kind=MarkKind.BAND).exists()


def test_cases_older_than_the_look_back_window_are_not_compared(settings: Any) -> None:
    settings.SAFEPASSAGE_FLOOD_LOOKBACK_DAYS = 14
    now = timezone.now()
    noted_case(TEXT, at=now - datetime.timedelta(days=15))
    recent = noted_case(TEXT, at=now - datetime.timedelta(days=13))
    latest = noted_case(TEXT, at=now)
    assert flags_of(latest, "near_duplicate:") == [f"near_duplicate:{recent.reference}"]


def test_one_case_carries_at_most_three_near_duplicate_flags(settings: Any) -> None:
    settings.SAFEPASSAGE_FLOOD_CLUSTER_SIZE = 100  # flags only, no group
    cases = [noted_case(text) for text in VARIANTS]
    for case in cases:
        assert 1 <= len(flags_of(case, "near_duplicate:")) <= 3, case.reference
    first, last = cases[0], cases[-1]
    assert len(flags_of(first, "near_duplicate:")) == 3
    # The newest case names the nearest earlier ones, most recent first among equals.
    assert len(flags_of(last, "near_duplicate:")) == 3


def test_a_cluster_of_five_near_duplicates_becomes_a_flood_group(settings: Any) -> None:
    settings.SAFEPASSAGE_FLOOD_CLUSTER_SIZE = 5
    cases = [noted_case(text) for text in VARIANTS[:4]]
    assert not FloodGroup.objects.exists()
    cases.append(noted_case(VARIANTS[4]))
    group = FloodGroup.objects.get()
    assert group.kind == GroupKind.NEAR_DUPLICATE
    assert group.channel == "web"
    members = set(FloodMembership.objects.filter(group=group).values_list("case_id", flat=True))
    assert members == {case.pk for case in cases}
    for case in cases:
        assert flags_of(case, "flood:") == [f"flood:{group.pk}"]
    opened = AuditEvent.objects.get(action="flood.group_opened")
    assert opened.object_ref == str(group.pk)
    assert opened.detail == {"kind": "near_duplicate", "channel": "web", "members": 4}
    # The next copy joins the same group.
    sixth = noted_case(VARIANTS[5], channel="telegram")
    assert FloodGroup.objects.count() == 1
    assert flags_of(sixth, "flood:") == [f"flood:{group.pk}"]
    assert FloodMembership.objects.filter(group=group).count() == 6


def test_copies_joining_a_group_judged_not_a_flood_are_not_flagged(settings: Any) -> None:
    settings.SAFEPASSAGE_FLOOD_CLUSTER_SIZE = 3
    for text in VARIANTS[:3]:
        noted_case(text)
    FloodGroup.objects.update(verdict="not_flood")
    later = noted_case(VARIANTS[3])
    membership = FloodMembership.objects.get(case=later)
    assert not membership.flagged
    assert flags_of(later, "flood:") == []


def test_a_burst_on_one_channel_becomes_a_group_at_the_threshold(settings: Any) -> None:
    settings.SAFEPASSAGE_FLOOD_BURST = "5/600"
    start = timezone.now()
    at = [start + datetime.timedelta(seconds=10 * n) for n in range(8)]
    early = [noted_case(SHORT[0], at=at[n]) for n in range(5)]
    noted_case(SHORT[0], channel="telegram", at=at[5])  # another channel: not counted
    assert not FloodGroup.objects.exists()
    sixth = noted_case(SHORT[1], at=at[6])  # the sixth in ten minutes: "more than 5"
    group = FloodGroup.objects.get()
    assert (group.kind, group.channel) == (GroupKind.BURST, "web")
    members = set(FloodMembership.objects.filter(group=group).values_list("case_id", flat=True))
    assert members == {case.pk for case in [*early, sixth]}
    assert all(flags_of(case, "flood:") == [f"flood:{group.pk}"] for case in [*early, sixth])
    seventh = noted_case(MESSAGES["en"][0], at=at[7])
    assert FloodMembership.objects.filter(group=group, case=seventh).exists()


def test_arrivals_are_counted_by_when_they_were_received_not_when_processed(
    settings: Any,
) -> None:
    settings.SAFEPASSAGE_FLOOD_BURST = "5/600"
    start = timezone.now() - datetime.timedelta(hours=3)
    # A backlog worked off at once: one case every three minutes, never six in ten.
    for n in range(12):
        noted_case(SHORT[0], at=start + datetime.timedelta(minutes=3 * n))
    assert not FloodGroup.objects.exists()


def test_a_burst_that_ended_is_not_extended_by_a_later_case(settings: Any) -> None:
    settings.SAFEPASSAGE_FLOOD_BURST = "3/600"
    start = timezone.now() - datetime.timedelta(hours=1)
    for n in range(4):
        noted_case(SHORT[0], at=start + datetime.timedelta(seconds=n))
    group = FloodGroup.objects.get()
    later = noted_case(SHORT[0], at=start + datetime.timedelta(minutes=30))
    assert not FloodMembership.objects.filter(case=later).exists()
    assert FloodMembership.objects.filter(group=group).count() == 4
    # A new burst later opens a new group.
    for n in range(4):
        noted_case(SHORT[0], at=start + datetime.timedelta(minutes=40, seconds=n))
    assert FloodGroup.objects.count() == 2


def test_burst_detection_can_be_switched_off(settings: Any) -> None:
    settings.SAFEPASSAGE_FLOOD_BURST = "0"
    for _ in range(5):
        noted_case(SHORT[0])
    assert not FloodGroup.objects.exists()
    assert CaseMark.objects.count() == 5


def test_an_ordinary_case_costs_at_most_three_queries(
    django_assert_max_num_queries: Any,
) -> None:
    for text in MESSAGES["en"][1:] + MESSAGES["ru"]:
        noted_case(text)
    text = MESSAGES["en"][0]
    case = make_case(language="en", message=text)
    with django_assert_max_num_queries(3):
        note_new_case(case=case, text=text, channel="web", received_at=timezone.now())
    assert CaseMark.objects.filter(case=case).count() == 17


def test_stored_digests_are_keyed_and_hold_no_text(installed_keys: Keyring) -> None:
    at = timezone.now() - datetime.timedelta(minutes=5)
    case = noted_case(TEXT, at=at)
    stored = set(
        CaseMark.objects.filter(case=case, kind=MarkKind.BAND).values_list("digest", flat=True)
    )
    assert stored == set(fingerprint(TEXT, installed_keys))
    assert stored.isdisjoint(fingerprint(TEXT, new_keyring()))
    arrival = CaseMark.objects.get(case=case, kind=MarkKind.ARRIVAL)
    assert (arrival.digest, arrival.channel) == (arrival_digest("web"), "web")
    # Marked when the message was received, not when the worker got to it.
    assert arrival.created_at == at


def test_old_marks_are_pruned_and_groups_kept(settings: Any) -> None:
    settings.SAFEPASSAGE_FLOOD_CLUSTER_SIZE = 2
    old = timezone.now() - datetime.timedelta(days=30)
    noted_case(TEXT, at=old)
    noted_case(TEXT, at=old + datetime.timedelta(minutes=1))
    recent = noted_case(MESSAGES["en"][0])
    out = io.StringIO()
    call_command("floods_prune", stdout=out)
    assert out.getvalue().strip() == "Deleted 34 marks."
    assert set(CaseMark.objects.values_list("case_id", flat=True)) == {recent.pk}
    assert FloodMembership.objects.count() == 2


def test_a_copy_in_a_large_flood_costs_the_same_as_in_a_small_one(
    settings: Any, django_assert_max_num_queries: Any
) -> None:
    settings.SAFEPASSAGE_FLOOD_BURST = "0"
    copies = [noted_case(f"{VARIANTS[n % len(VARIANTS)]} {n}") for n in range(40)]
    first = copies[0]
    # 40 copies wrote no more than three near-duplicate flags on the first one.
    assert len(flags_of(first, "near_duplicate:")) == 3
    assert len(flags_of(first, "flood:")) == 1
    case = make_case(language="ru", message=TEXT)
    with django_assert_max_num_queries(8):
        note_new_case(case=case, text=TEXT, channel="web", received_at=timezone.now())
    assert FloodMembership.objects.filter(case=case).count() == 1
    assert FloodGroup.objects.count() == 1
