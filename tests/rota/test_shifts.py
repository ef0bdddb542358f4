"""Planning, swapping, starting and ending shifts; on-shift derives from actual shifts."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from safepassage.accounts.models import Account
from safepassage.audit.models import AuditEvent
from safepassage.rota.domain import (
    RotaError,
    end_shift,
    on_shift_for_language,
    plan_shift,
    start_shift,
    swap_shift,
)
from safepassage.rota.models import Shift

H = datetime.timedelta(hours=1)


def _plan(personas: dict[str, Account], who: str, language: str, start: datetime.datetime) -> Shift:
    return plan_shift(
        by=personas["sofia"],
        account=personas[who],
        languages=[language],
        starts_at=start,
        ends_at=start + 8 * H,
    )


def test_operator_starts_and_ends_own_shift_and_on_shift_follows(
    personas: dict[str, Account],
) -> None:
    now = timezone.now()
    shift = _plan(personas, "kim", "ko", now - H)
    assert on_shift_for_language("ko") == []
    start_shift(by=personas["kim"], shift=shift, now=now)
    assert [a.username for a in on_shift_for_language("ko")] == ["kim"]
    assert on_shift_for_language("ru") == []
    assert Account.objects.get(username="kim").on_shift is True
    end_shift(by=personas["kim"], shift=shift, now=now + H)
    assert on_shift_for_language("ko") == []
    assert Account.objects.get(username="kim").on_shift is False
    actions = list(AuditEvent.objects.filter(object_type="shift").values_list("action", flat=True))
    assert actions == ["rota.shift_planned", "rota.shift_started", "rota.shift_ended"]


def test_only_supervisor_plans_and_only_reader_of_the_language(
    personas: dict[str, Account],
) -> None:
    now = timezone.now()
    with pytest.raises(RotaError):
        plan_shift(
            by=personas["kim"],
            account=personas["kim"],
            languages=["ko"],
            starts_at=now,
            ends_at=now + H,
        )
    with pytest.raises(RotaError):
        _plan(personas, "olga", "ko", now)  # olga reads Russian only
    with pytest.raises(RotaError):
        _plan(personas, "roman", "ko", now)  # a registrar takes no shift


def test_another_operator_cannot_start_the_shift(personas: dict[str, Account]) -> None:
    now = timezone.now()
    shift = _plan(personas, "kim", "ko", now)
    with pytest.raises(RotaError):
        start_shift(by=personas["olga"], shift=shift, now=now)
    with pytest.raises(RotaError):
        start_shift(by=personas["kim"], shift=shift, now=now - 2 * H)  # far too early


def test_swap_hands_a_planned_shift_to_another_reader(personas: dict[str, Account]) -> None:
    now = timezone.now()
    olga2 = Account.objects.create_account(
        "oleh", "pw long enough 123", role="operator", languages=["ru"]
    )
    shift = _plan(personas, "olga", "ru", now + H)
    swap_shift(by=personas["sofia"], shift=shift, to=olga2)
    shift.refresh_from_db()
    assert shift.account_id == olga2.pk
    with pytest.raises(RotaError):
        swap_shift(by=personas["sofia"], shift=shift, to=personas["anna"])  # analyst
    event = AuditEvent.objects.get(action="rota.shift_swapped")
    assert event.detail == {"account": "oleh", "from": "olga"}


def test_starting_and_ending_a_shift_updates_the_voice_line_ring_lists(
    personas: dict[str, Account], installed_keys: object
) -> None:
    """The voice line rings whoever is on shift: a shift started or ended through the
    rota republishes the ring lists the intake reads from the voice channel's config."""
    from safepassage.channels.domain.instances import create_channel_instance
    from safepassage.channels.models import ChannelInstance
    from safepassage.channels.ringing import RING_LIST_KEY

    instance, _ = create_channel_instance(
        by=None,
        channel_type="voice",
        name="Hotline",
        credentials={"account_sid": "AC" + "0" * 32, "api_secret": "x" * 32},
        intake_secret="x" * 32,
        config={
            "public_base_url": "https://intake.example",
            "api_base_url": "https://api.twilio.com",
        },
    )
    now = timezone.now()
    shift = _plan(personas, "kim", "ko", now - H)
    start_shift(by=personas["kim"], shift=shift, now=now)
    rings = ChannelInstance.objects.get(pk=instance.pk).config[RING_LIST_KEY]
    assert rings["ko"] == [personas["kim"].pk]
    end_shift(by=personas["kim"], shift=shift, now=now + H)
    rings = ChannelInstance.objects.get(pk=instance.pk).config[RING_LIST_KEY]
    assert rings["ko"] == []
