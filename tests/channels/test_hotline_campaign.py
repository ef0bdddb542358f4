"""The campaign a hotline caller mentions ("I saw the leaflet…"), chosen by the operator:
attributed through the campaigns domain, refused clearly when it is not running."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safepassage.accounts.models import Account
from safepassage.analytics.counters import total
from safepassage.analytics.models import Dimension, Metric
from safepassage.campaigns.domain import attribute
from safepassage.campaigns.models import Attribution, AttributionVia, Campaign
from safepassage.cases.domain import CaseError
from safepassage.cases.models import Case, Message
from safepassage.channels.domain.hotline import log_hotline_call
from tests.console.helpers import force_verified_login

pytestmark = pytest.mark.django_db
SUMMARY = "어머니가 전화함: 전단지를 봤다고 함. 아들이 쿠르스크 근처에 있음."


@pytest.fixture
def leaflet() -> Campaign:
    return Campaign.objects.create(
        code="LEAF24", title="Leaflets, Kursk", languages=["ko"], medium="leaflet"
    )


@pytest.fixture
def ended() -> Campaign:
    today = timezone.localdate()
    return Campaign.objects.create(
        code="OLD23",
        title="Leaflets 2023",
        languages=["ko"],
        medium="leaflet",
        starts_on=today - datetime.timedelta(days=400),
        ends_on=today - datetime.timedelta(days=30),
    )


def _client(account: Account) -> Client:
    client = Client()
    force_verified_login(client, account)
    return client


def _form(**extra: str) -> dict[str, str]:
    return {
        "language": "ko",
        "relation": "relative",
        "inquiry_type": "family_member",
        "summary": SUMMARY,
        "callback_number": "+82 10 5555 1234",
        "callback_note": "저녁 9시 이후",
        **extra,
    }


def test_campaign_mentioned_on_a_new_call_becomes_the_cases_campaign(
    personas: dict[str, Account], leaflet: Campaign
) -> None:
    call = log_hotline_call(
        by=personas["kim"],
        language="ko",
        relation="relative",
        summary=SUMMARY,
        campaign_code="leaf24",
    )
    case = Case.objects.get(pk=call.case_id)
    assert case.campaign_id == leaflet.pk
    row = Attribution.objects.get(case=case)
    assert (row.campaign_id, row.via, row.first) == (leaflet.pk, AttributionVia.OPERATOR, True)
    assert total(Metric.OPENED, Dimension.CAMPAIGN, str(leaflet.pk)) == 1
    assert total(Metric.OPENED, Dimension.CAMPAIGN, "") == 0


def test_campaign_mentioned_on_a_case_with_another_campaign_is_a_later_code(
    personas: dict[str, Account], leaflet: Campaign
) -> None:
    video = Campaign.objects.create(code="VID1", title="Video", languages=["ko"])
    first = log_hotline_call(by=personas["kim"], language="ko", relation="self", summary="첫 통화")
    attribute(first.case, video.code, via=AttributionVia.WEB)
    log_hotline_call(
        by=personas["kim"],
        language="ko",
        relation="self",
        summary="다시 전화함",
        case=first.case,
        campaign_code=leaflet.code,
    )
    case = Case.objects.get(pk=first.case_id)
    assert case.campaign_id == video.pk
    later = Attribution.objects.get(case=case, campaign=leaflet)
    assert (later.via, later.first) == (AttributionVia.OPERATOR, False)


@pytest.mark.parametrize("code", ["OLD23", "NOSUCH1"])
def test_campaign_that_is_not_running_is_refused_before_anything_is_written(
    personas: dict[str, Account], ended: Campaign, code: str
) -> None:
    with pytest.raises(CaseError, match="not running"):
        log_hotline_call(
            by=personas["kim"],
            language="ko",
            relation="self",
            summary=SUMMARY,
            campaign_code=code,
        )
    assert not Case.objects.exists()
    assert not Message.objects.exists()
    assert not Attribution.objects.exists()


def test_form_offers_running_campaigns_only(
    personas: dict[str, Account], leaflet: Campaign, ended: Campaign
) -> None:
    page = _client(personas["kim"]).get(reverse("console:hotline-call"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="campaign"' in html
    assert 'value="LEAF24"' in html
    assert "Leaflets, Kursk" in html
    assert 'value="OLD23"' not in html


def test_operator_logs_the_campaign_through_the_form(
    personas: dict[str, Account], leaflet: Campaign
) -> None:
    response = _client(personas["kim"]).post(
        reverse("console:hotline-call"), _form(campaign="LEAF24")
    )
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("console:case", args=[case.reference])
    assert case.campaign_id == leaflet.pk
    assert Attribution.objects.get(case=case).via == AttributionVia.OPERATOR


def test_campaign_is_optional(personas: dict[str, Account], leaflet: Campaign) -> None:
    response = _client(personas["kim"]).post(reverse("console:hotline-call"), _form(campaign=""))
    assert response.status_code == 302
    assert Case.objects.get().campaign_id is None
    assert not Attribution.objects.exists()


@pytest.mark.parametrize("code", ["OLD23", "NOSUCH1"])
def test_a_campaign_not_running_gets_a_clear_error_and_keeps_what_was_typed(
    personas: dict[str, Account], leaflet: Campaign, ended: Campaign, code: str
) -> None:
    response = _client(personas["kim"]).post(reverse("console:hotline-call"), _form(campaign=code))
    assert response.status_code == 200
    assert not Case.objects.exists()
    form = response.context["form"]
    assert list(form.errors) == ["campaign"]
    html = response.content.decode()
    assert "That campaign is not running" in html
    assert SUMMARY in html
    assert "+82 10 5555 1234" in html
    assert "저녁 9시 이후" in html


def test_error_is_in_ukrainian_for_a_ukrainian_console(
    personas: dict[str, Account], ended: Campaign
) -> None:
    kim = personas["kim"]
    kim.console_language = "uk"
    kim.save(update_fields=["console_language"])
    response = _client(kim).post(reverse("console:hotline-call"), _form(campaign="OLD23"))
    html = response.content.decode()
    assert "That campaign is not running" not in html
    assert "Ця кампанія зараз не триває" in html
