"""Campaign management in the console: create, edit, bad input, who may."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from safepassage.accounts.models import Account
from safepassage.audit.models import AuditEvent
from safepassage.campaigns.domain import (
    CampaignData,
    CampaignRefused,
    active_campaign_choices,
    attribute,
    create_campaign,
    update_campaign,
)
from safepassage.campaigns.models import AttributionVia, Campaign
from safepassage.cases.domain import open_case
from safepassage.cases.states import Channel
from tests.analytics.conftest import signed_in

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 23)


def form(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "code": "kursk24",
        "title": "Korean video appeal",
        "audience": "North Korean soldiers in Kursk region",
        "languages": ["ko"],
        "medium": "video",
        "starts_on": "2026-10-01",
        "ends_on": "2026-12-31",
        "asset_links": "https://example.org/video\n",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_supervisor_creates_a_campaign(sofia: Account) -> None:
    response = signed_in(sofia).post("/console/campaigns/new/", form())
    assert response.status_code == 302
    campaign = Campaign.objects.get()
    assert (campaign.code, campaign.languages, campaign.asset_links) == (
        "KURSK24",
        ["ko"],
        ["https://example.org/video"],
    )
    event = AuditEvent.objects.get(action="campaign.created")
    assert (event.actor, event.object_ref) == (sofia, "KURSK24")


def test_admin_edits_a_campaign_and_the_list_shows_it(adam: Account) -> None:
    client = signed_in(adam)
    client.post("/console/campaigns/new/", form())
    response = client.post(
        "/console/campaigns/KURSK24/", form(title="Renamed", languages=["ko", "ru"])
    )
    assert response.status_code == 302
    assert Campaign.objects.get().title == "Renamed"
    page = client.get("/console/campaigns/").content.decode()
    assert "Renamed" in page
    assert "KURSK24" in page


@pytest.mark.parametrize("persona", ["kim", "roman", "anna"])
def test_other_roles_may_not_manage_campaigns(personas: dict[str, Account], persona: str) -> None:
    Campaign.objects.create(code="LIVE", title="Texts", languages=["ru"])
    client = signed_in(personas[persona])
    assert client.get("/console/campaigns/").status_code == 403
    assert client.post("/console/campaigns/new/", form()).status_code == 403
    assert client.get("/console/campaigns/LIVE/leaflet-ru-a5.pdf").status_code == 403
    assert Campaign.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"code": "K!"}, "3 to 12 letters"),
        ({"code": "THIS CODE HAS SPACES"}, "3 to 12 letters"),
        ({"ends_on": "2026-09-01"}, "ends (2026-09-01) before it starts (2026-10-01)"),
        ({"starts_on": "2020-01-01", "ends_on": "2026-01-01"}, "at most three years"),
        ({"starts_on": "1 October"}, "YYYY-MM-DD"),
        ({"languages": None}, "at least one language"),
        ({"asset_links": "javascript:alert(1)"}, "is not a web address"),
    ],
)
def test_bad_campaign_input_gets_a_clear_message_and_keeps_what_was_typed(
    sofia: Account, overrides: dict[str, Any], message: str
) -> None:
    response = signed_in(sofia).post(
        "/console/campaigns/new/", form(title="My typed title", **overrides)
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html.replace("&#x27;", "'")
    assert "My typed title" in html
    assert not Campaign.objects.exists()


def test_duplicate_code_is_refused_whatever_its_case(sofia: Account) -> None:
    client = signed_in(sofia)
    client.post("/console/campaigns/new/", form())
    response = client.post("/console/campaigns/new/", form(code="Kursk24", title="Second"))
    assert response.status_code == 400
    assert "Another campaign already uses the code KURSK24." in response.content.decode()
    assert Campaign.objects.count() == 1


def test_code_cannot_change_once_cases_carry_it(sofia: Account) -> None:
    campaign = create_campaign(
        data=CampaignData(code="LIVE", title="Texts", languages=["ru"]), by=sofia
    )
    attribute(
        open_case(channel=Channel.SMS, language="ru"), "LIVE", via=AttributionVia.MESSAGE_CODE
    )
    with pytest.raises(CampaignRefused) as refused:
        update_campaign(
            campaign, data=CampaignData(code="LIVE2", title="Texts", languages=["ru"]), by=sofia
        )
    assert "cannot be changed" in refused.value.errors["code"][0]
    update_campaign(
        campaign, data=CampaignData(code="live", title="New title", languages=["ru"]), by=sofia
    )
    campaign.refresh_from_db()
    assert (campaign.code, campaign.title) == ("LIVE", "New title")


def test_campaign_page_flags_codes_seen_after_the_end(sofia: Account, settings: Any) -> None:
    settings.SAFEPASSAGE_PUBLIC_BASE_URL = "https://example.org"
    Campaign.objects.create(
        code="OLD23", title="Leaflets 2023", languages=["ru"], ends_on=datetime.date(2023, 12, 31)
    )
    attribute(
        open_case(channel=Channel.SMS, language="ru"), "OLD23", via=AttributionVia.MESSAGE_CODE
    )
    html = signed_in(sofia).get("/console/campaigns/OLD23/").content.decode()
    assert "reached us 1 time after the campaign ended" in html
    assert "(ended)" in html
    assert "leaflet-ru-a5.pdf" in html


def test_campaign_page_says_what_to_configure_for_leaflets(sofia: Account, settings: Any) -> None:
    settings.SAFEPASSAGE_PUBLIC_BASE_URL = ""
    Campaign.objects.create(code="LIVE", title="Texts", languages=["ru"])
    html = signed_in(sofia).get("/console/campaigns/LIVE/").content.decode()
    assert "set SAFEPASSAGE_PUBLIC_BASE_URL" in html
    assert "leaflet-ru-a5.pdf" not in html


def test_hotline_form_lists_running_campaigns_only(sofia: Account) -> None:
    for code, starts, ends in [
        ("NOW", None, None),
        ("OLD", datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)),
        ("SOON", datetime.date(2027, 1, 1), None),
        ("UNTIL", datetime.date(2026, 1, 1), TODAY),
    ]:
        Campaign.objects.create(code=code, title=f"Title {code}", starts_on=starts, ends_on=ends)
    assert sorted(active_campaign_choices(TODAY)) == [
        ("NOW", "NOW — Title NOW"),
        ("UNTIL", "UNTIL — Title UNTIL"),
    ]


def test_unknown_campaign_page_is_not_found(sofia: Account) -> None:
    assert signed_in(sofia).get("/console/campaigns/NOPE/").status_code == 404
