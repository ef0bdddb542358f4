"""A merged case inherits the absorbed case's campaign (counters included), and gives it
back when the merge is undone."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from safepassage.accounts.models import Account
from safepassage.analytics.counters import total
from safepassage.analytics.models import DailyCount, Dimension, Metric, StateReached
from safepassage.audit.chain import verify_chain
from safepassage.audit.models import AuditEvent
from safepassage.campaigns.domain import attribute
from safepassage.campaigns.models import Attribution, AttributionFlag, AttributionVia, Campaign
from safepassage.cases.domain import merge_cases, transition_case, undo_merge
from safepassage.cases.models import Case
from safepassage.cases.states import CaseState

from .casework import make_case, reload

pytestmark = pytest.mark.django_db


@pytest.fixture
def video() -> Campaign:
    return Campaign.objects.create(code="KURSK24", title="Video", languages=["ko"])


def _opened(campaign: Campaign | None) -> int:
    return total(Metric.OPENED, Dimension.CAMPAIGN, "" if campaign is None else str(campaign.pk))


def _engaged(campaign: Campaign | None) -> int:
    value = "" if campaign is None else str(campaign.pk)
    return total(Metric.REACHED, Dimension.CAMPAIGN, value, key=CaseState.ENGAGED)


def _pair(personas: dict[str, Account], video: Campaign) -> tuple[Case, Case]:
    """A kept case with no campaign (engaged) and a duplicate that came by the video."""
    keep = transition_case(make_case(), to=CaseState.ENGAGED, by=personas["kim"])
    absorb = make_case(channel="telegram")
    attribute(absorb, video.code, via=AttributionVia.TELEGRAM_START)
    return reload(keep), reload(absorb)


def snapshot() -> dict[tuple[object, ...], int]:
    found: dict[tuple[object, ...], int] = {}
    for *key, count in DailyCount.objects.values_list(
        "day", "metric", "key", "dimension", "value", "count"
    ):
        found[tuple(key)] = found.get(tuple(key), 0) + count
    return {key: count for key, count in found.items() if count}


def _rebuilt_equals_live() -> bool:
    live = snapshot()
    call_command("analytics_rebuild", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return snapshot() == live


def test_kept_case_without_a_campaign_inherits_the_absorbed_one(
    personas: dict[str, Account], video: Campaign
) -> None:
    keep, absorb = _pair(personas, video)
    assert (_opened(video), _opened(None)) == (1, 1)
    assert (_engaged(video), _engaged(None)) == (0, 1)

    merge = merge_cases(keep=keep, absorb=absorb, by=personas["sofia"])

    keep = reload(keep)
    assert keep.campaign_id == video.pk
    assert "campaign" in merge.filled_fields
    # The route is the duplicate's own: the person came by a Telegram /start link.
    row = Attribution.objects.get(case=keep)
    assert (row.campaign_id, row.via, row.first, row.flag) == (
        video.pk,
        AttributionVia.TELEGRAM_START,
        True,
        AttributionFlag.NONE,
    )
    # The kept case's opening and funnel counts moved to the campaign.
    assert (_opened(video), _opened(None)) == (2, 0)
    assert (_engaged(video), _engaged(None)) == (1, 0)
    assert AuditEvent.objects.filter(action="case.attributed", object_ref=keep.reference).exists()
    assert _rebuilt_equals_live()


def test_kept_case_keeps_its_own_campaign(personas: dict[str, Account], video: Campaign) -> None:
    leaflet = Campaign.objects.create(code="LEAF1", title="Leaflet", languages=["ru"])
    keep, absorb = _pair(personas, video)
    attribute(keep, leaflet.code, via=AttributionVia.WEB)
    merge = merge_cases(keep=keep, absorb=reload(absorb), by=personas["sofia"])
    assert reload(keep).campaign_id == leaflet.pk
    assert "campaign" not in merge.filled_fields
    assert list(Attribution.objects.filter(case=keep).values_list("campaign_id", flat=True)) == [
        leaflet.pk
    ]
    undo_merge(merge, by=personas["sofia"])
    assert reload(keep).campaign_id == leaflet.pk


def test_code_current_when_it_reached_us_is_not_flagged_stale_on_the_kept_case(
    personas: dict[str, Account],
) -> None:
    today = timezone.localdate()
    ended = Campaign.objects.create(
        code="OLD1",
        title="Leaflets",
        languages=["ko"],
        starts_on=today - datetime.timedelta(days=60),
        ends_on=today - datetime.timedelta(days=10),
    )
    keep, absorb = _pair(personas, ended)
    # The duplicate's code arrived while the campaign ran.
    Attribution.objects.filter(case=absorb).update(
        created_at=timezone.now() - datetime.timedelta(days=30), flag=AttributionFlag.NONE
    )
    merge_cases(keep=keep, absorb=absorb, by=personas["sofia"])
    assert Attribution.objects.get(case=keep).flag == AttributionFlag.NONE


def test_undo_gives_the_inherited_campaign_back(
    personas: dict[str, Account], video: Campaign
) -> None:
    keep, absorb = _pair(personas, video)
    merge = merge_cases(keep=keep, absorb=absorb, by=personas["sofia"])
    undo_merge(merge, by=personas["sofia"])

    keep, absorb = reload(keep), reload(absorb)
    assert keep.campaign_id is None
    assert absorb.campaign_id == video.pk
    assert not Attribution.objects.filter(case=keep).exists()
    assert Attribution.objects.filter(case=absorb, campaign=video, first=True).exists()
    assert (_opened(video), _opened(None)) == (1, 1)
    assert (_engaged(video), _engaged(None)) == (0, 1)
    event = AuditEvent.objects.get(action="case.unattributed")
    assert (event.object_ref, event.actor_label) == (keep.reference, "sofia")
    assert event.detail == {"campaign": video.pk, "now": None}
    assert verify_chain().ok
    assert _rebuilt_equals_live()


def test_undo_falls_back_to_a_code_the_kept_case_saw_itself(
    personas: dict[str, Account], video: Campaign
) -> None:
    radio = Campaign.objects.create(code="RADIO7", title="Radio", languages=["ko"])
    keep, absorb = _pair(personas, video)
    merge = merge_cases(keep=keep, absorb=absorb, by=personas["sofia"])
    # After the merge, the kept person's own chat sends another campaign's code.
    attribute(reload(keep), radio.code, via=AttributionVia.MESSAGE_CODE)
    assert reload(keep).campaign_id == video.pk

    undo_merge(merge, by=personas["sofia"])

    keep = reload(keep)
    assert keep.campaign_id == radio.pk
    row = Attribution.objects.get(case=keep)
    assert (row.campaign_id, row.first) == (radio.pk, True)
    assert (_opened(video), _opened(radio), _opened(None)) == (1, 1, 0)
    assert (_engaged(video), _engaged(radio), _engaged(None)) == (0, 1, 0)
    assert _rebuilt_equals_live()
    assert set(StateReached.objects.values_list("case_id", "state")) == {
        (keep.pk, CaseState.ENGAGED)
    }
