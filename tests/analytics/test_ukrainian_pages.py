"""The statistics and campaign pages in Ukrainian: no English left (codes excepted)."""

from __future__ import annotations

import datetime
import html
import re

import pytest
from django.test import Client
from django.utils import timezone
from pytest_django.fixtures import Settings

from safepassage.accounts.models import Account
from safepassage.analytics.counters import event_rows
from safepassage.analytics.models import DailyCount, Metric
from safepassage.campaigns.models import Campaign
from safepassage.cases.states import CaseState
from tests.console.helpers import force_verified_login

pytestmark = pytest.mark.django_db
# Latin a Ukrainian page may show: brand, language and channel names, codes, file formats,
# the settings a supervisor must set, URLs, and the ISO week marker.
ALLOWED_LATIN = {
    "SafePassage",
    "English",
    "UTC",
    "ISO",
    "Telegram",
    "WhatsApp",
    "SMS",
    "CSV",
    "JSON",
    "PDF",
    "anna",
    "sofia",
    "KURSK",
    "SAFEPASSAGE",
    "TELEGRAM",
    "BOT",
    "USERNAME",
    "https",
    "example",
    "org",
}


def _english_words(page: str) -> set[str]:
    page = re.sub(r"<(script|style|head)\b.*?</\1>", " ", page, flags=re.S)
    page = re.sub(
        r"<svg\b.*?</svg>", lambda m: re.sub(r"<[^>]+>", " ", m.group(0)), page, flags=re.S
    )
    heard = " ".join(re.findall(r'(?:aria-label|placeholder|title|alt)="([^"]*)"', page))
    text = html.unescape(re.sub(r"<[^>]+>", " ", page) + " " + heard)
    text = re.sub(r"\b\d{4}-W\d{2}\b|\bA[56]\b|/c/\w+|\b[A-Z0-9]{3,12}\b", " ", text)
    return set(re.findall(r"[A-Za-z]{2,}", text)) - ALLOWED_LATIN


def _ukrainian(account: Account) -> Client:
    account.console_language = "uk"
    account.save(update_fields=["console_language"])
    client = Client()
    force_verified_login(client, account)
    return client


def test_no_english_is_left_on_the_ukrainian_statistics_and_campaign_pages(
    anna: Account, sofia: Account, settings: Settings
) -> None:
    settings.SAFEPASSAGE_PUBLIC_BASE_URL = "https://example.org"
    day = timezone.localdate() - datetime.timedelta(days=3)
    DailyCount.objects.bulk_create(
        event_rows(day, Metric.OPENED, channel="web", language="ru", count=30)
        + event_rows(day, Metric.OPENED, channel="telegram", language="ko", count=2)
        + event_rows(day, Metric.REACHED, CaseState.ENGAGED, count=12)
        + event_rows(day, Metric.CLOSED, "withdrawn", count=7)
        + event_rows(day, Metric.FIRST_RESPONSE, "600", count=9)
    )
    Campaign.objects.create(code="KURSK24", title="Відеозвернення", languages=["ko", "uk"])
    analyst, supervisor = _ukrainian(anna), _ukrainian(sofia)
    pages = {
        "dashboard": analyst.get("/console/stats/"),
        "bad range": analyst.get(
            "/console/stats/?start=2026-03-02&end=2026-03-01&granularity=week"
        ),
        "public": analyst.get("/console/stats/public/"),
        "campaigns": supervisor.get("/console/campaigns/"),
        "campaign": supervisor.get("/console/campaigns/KURSK24/"),
        "new campaign refused": supervisor.post("/console/campaigns/new/", {"code": "!"}),
    }
    english = {}
    for name, response in pages.items():
        assert response.status_code in (200, 400), name
        if words := _english_words(response.content.decode()):
            english[name] = words
    assert english == {}
