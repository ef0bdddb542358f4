"""Counters fed by the service layer, rebuilt from cases, folded, and read back."""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.core.management import call_command
from django.utils import timezone

from safepassage.accounts.models import Account
from safepassage.analytics.buckets import bucket_key, quantile_from_buckets
from safepassage.analytics.counters import event_rows, squash_counters, total
from safepassage.analytics.models import DailyCount, Dimension, Metric, StateReached
from safepassage.analytics.public import publishable_running_totals
from safepassage.campaigns.domain import attribute
from safepassage.campaigns.models import AttributionVia, Campaign
from safepassage.cases.domain import add_inbound_message, open_case, post_reply, transition_case
from safepassage.cases.models import Case, Contact
from safepassage.cases.states import CaseState, Channel
from safepassage.crypto.runtime import get_public_keyring
from safepassage.crypto.sealing import seal

pytestmark = pytest.mark.django_db


def case_with_message(language: str = "ru", *, minutes_ago: int = 0) -> Case:
    case = open_case(channel=Channel.WEB, language=language)
    contact = Contact.objects.create(case=case, channel=Channel.WEB, language=language)
    add_inbound_message(
        case,
        contact,
        body=seal("Хочу жить", to=get_public_keyring()),
        language=language,
        received_at=timezone.now() - datetime.timedelta(minutes=minutes_ago),
    )
    return case


def snapshot() -> dict[tuple[object, ...], int]:
    found: dict[tuple[object, ...], int] = {}
    for row in DailyCount.objects.values_list(
        "day", "metric", "key", "dimension", "value", "count"
    ):
        key = row[:-1]
        found[key] = found.get(key, 0) + row[-1]
    return {key: count for key, count in found.items() if count}


def test_first_reply_is_counted_once_in_its_delay_bucket(sofia: Account) -> None:
    case = case_with_message(minutes_ago=12)
    post_reply(case, by=sofia, text="Здравствуйте")
    post_reply(case, by=sofia, text="Ещё раз")
    rows = list(DailyCount.objects.filter(metric=Metric.FIRST_RESPONSE).values_list("key", "count"))
    assert rows == [("900", 1)]  # answered after 12 minutes: the 10–15 minute band


def test_late_attribution_moves_opening_and_funnel_counts_to_the_campaign(
    sofia: Account,
) -> None:
    campaign = Campaign.objects.create(code="LIVE", title="Texts", languages=["ru"])
    case = open_case(channel=Channel.HOTLINE, language="ru")
    case = transition_case(case, to=CaseState.ENGAGED, by=sofia)
    attribute(case, "LIVE", via=AttributionVia.OPERATOR)
    mine = str(campaign.pk)
    assert total(Metric.OPENED, Dimension.CAMPAIGN, mine) == 1
    assert total(Metric.OPENED, Dimension.CAMPAIGN, "") == 0
    assert total(Metric.REACHED, Dimension.CAMPAIGN, mine, key=CaseState.ENGAGED) == 1
    assert total(Metric.REACHED, Dimension.CAMPAIGN, "", key=CaseState.ENGAGED) == 0
    assert total(Metric.OPENED, Dimension.CHANNEL, Channel.HOTLINE) == 1


def test_rebuild_reproduces_the_live_counters(sofia: Account) -> None:
    campaign = Campaign.objects.create(code="KURSK24", title="Video", languages=["ko"])
    for index in range(4):
        case = case_with_message("ko" if index % 2 else "ru", minutes_ago=index * 20)
        if index % 2:
            attribute(case, "KURSK24", via=AttributionVia.WEB)
        case = transition_case(case, to=CaseState.ENGAGED, by=sofia)
        post_reply(case, by=sofia, text="Ответ")
        if index == 0:
            case = transition_case(case, to=CaseState.VERIFIED, by=sofia)
            case = transition_case(case, to=CaseState.PLANNING, by=sofia)
            case = transition_case(case, to=CaseState.SURRENDERED, by=sofia)
            transition_case(case, to=CaseState.CLOSED, by=sofia, reason="completed")
        if index == 1:
            transition_case(case, to=CaseState.CLOSED, by=sofia, reason="withdrawn")
    live = snapshot()
    reached = set(StateReached.objects.values_list("case_id", "state", "day"))
    assert total(Metric.OPENED, Dimension.CAMPAIGN, str(campaign.pk)) == 2
    DailyCount.objects.all().delete()
    StateReached.objects.all().delete()
    call_command("analytics_rebuild", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert snapshot() == live
    assert set(StateReached.objects.values_list("case_id", "state", "day")) == reached


ROW = {
    "day": datetime.date(2026, 5, 1),
    "metric": Metric.OPENED,
    "dimension": Dimension.CHANNEL,
    "value": "web",
}


def web(count: int) -> DailyCount:
    return DailyCount(**ROW, count=count)


def test_squash_folds_rows_without_changing_totals() -> None:
    DailyCount.objects.bulk_create(
        [web(1)] * 7 + [web(-1), DailyCount(**{**ROW, "value": "sms", "count": 1})]
    )
    assert squash_counters() == 9
    assert squash_counters() == 0
    rows = sorted(DailyCount.objects.values_list("value", "count", "squashed"))
    assert rows == [("sms", 1, True), ("web", 6, True)]
    web(1).save()
    squash_counters()
    assert sorted(DailyCount.objects.values_list("value", "count")) == [("sms", 1), ("web", 7)]


def test_running_totals_never_reveal_a_small_increase() -> None:
    increments = [30, 2, 1, 0, 4, 10, 3, 3]
    published = publishable_running_totals(increments)
    shown = [total.value for total in published]
    assert shown == [30, None, None, None, 37, 47, None, 53]
    values = [0, *(v for v in shown if v is not None)]
    assert all(b - a == 0 or b - a >= 5 for a, b in itertools.pairwise(values))


def test_delay_buckets_and_quantiles() -> None:
    assert bucket_key(datetime.timedelta(seconds=59)) == "60"
    assert bucket_key(datetime.timedelta(minutes=14)) == "900"
    assert bucket_key(datetime.timedelta(days=3)) == "more"
    assert quantile_from_buckets({"600": 10}, 0.5) == 450.0
    assert quantile_from_buckets({"more": 3}, 0.9) == 172800.0
    assert quantile_from_buckets({}, 0.5) is None


def test_public_totals_page_and_exports(anna: Account) -> None:
    from tests.analytics.conftest import signed_in

    DailyCount.objects.bulk_create(
        event_rows(datetime.date(2026, 9, 3), Metric.OPENED, channel="web", language="ru", count=40)
        + event_rows(
            datetime.date(2026, 10, 3), Metric.OPENED, channel="web", language="ru", count=3
        )
        + event_rows(datetime.date(2026, 10, 9), Metric.REACHED, CaseState.SURRENDERED, count=6)
    )
    client = signed_in(anna)
    html = client.get("/console/stats/public/").content.decode()
    assert "Inquiries on all channels since the programme began: 40." in html
    assert "People who surrendered through the programme: 6." in html
    csv_text = client.get("/console/stats/public/?format=csv").content.decode()
    assert "2026-09,40,0" in csv_text
    assert "2026-10,—,6" in csv_text
    data = client.get("/console/stats/public/?format=json").json()
    assert data["rows"][1]["inquiries"] is None


@pytest.mark.django_db(transaction=True)
def test_concurrent_folds_never_double_a_count() -> None:
    import threading

    from django.db import connection

    day = datetime.date(2026, 5, 1)
    rows = [
        DailyCount(
            day=day + datetime.timedelta(days=n % 7),
            metric=Metric.OPENED,
            dimension=Dimension.LANGUAGE,
            value=("ru", "ko", "uk")[n % 3],
            count=1,
        )
        for n in range(3000)
    ]
    DailyCount.objects.bulk_create(rows)
    errors: list[BaseException] = []

    def fold() -> None:
        try:
            while squash_counters(batch=400):
                pass
        except BaseException as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=fold) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert total(Metric.OPENED, Dimension.LANGUAGE, "ru") == 1000
    assert DailyCount.objects.filter(squashed=False).count() == 0
    assert DailyCount.objects.count() == 21  # 7 days × 3 languages
