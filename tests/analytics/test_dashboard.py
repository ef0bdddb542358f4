"""The analyst dashboard: access, charts, suppressed tables, exports, bad ranges."""

from __future__ import annotations

import csv
import datetime
import io
import json
import xml.etree.ElementTree as ET

import pytest
from django.test import Client
from django.utils import timezone

from safepassage.accounts.models import Account
from safepassage.analytics.counters import event_rows, squash_counters, total
from safepassage.analytics.models import DailyCount, Dimension, Metric
from safepassage.cases.domain import open_case, transition_case
from safepassage.cases.states import CaseState, Channel
from tests.analytics.conftest import signed_in

pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}"


def counts(day: datetime.date, rows: list[tuple[str, str, str, str, int]]) -> None:
    for metric, key, channel, language, n in rows:
        DailyCount.objects.bulk_create(
            event_rows(day, metric, key, channel=channel, language=language, count=n)
        )


@pytest.fixture
def busy_week() -> datetime.date:
    """A week with plenty of Russian web inquiries and three Korean Telegram ones."""
    today = timezone.localdate()
    day = today - datetime.timedelta(days=today.weekday() + 7)
    counts(
        day,
        [
            (Metric.OPENED, "", Channel.WEB, "ru", 40),
            (Metric.OPENED, "", Channel.TELEGRAM, "ru", 25),
            (Metric.OPENED, "", Channel.TELEGRAM, "ko", 3),
            (Metric.REACHED, CaseState.ENGAGED, Channel.WEB, "ru", 30),
            (Metric.REACHED, CaseState.SURRENDERED, Channel.WEB, "ru", 2),
            (Metric.CLOSED, "withdrawn", Channel.WEB, "ru", 12),
            (Metric.CLOSED, "duplicate", Channel.WEB, "ru", 1),
            (Metric.FIRST_RESPONSE, "600", Channel.WEB, "ru", 20),
            (Metric.FIRST_RESPONSE, "3600", Channel.WEB, "ru", 5),
        ],
    )
    return day


@pytest.mark.parametrize("persona", ["anna", "sofia"])
def test_analyst_and_supervisor_see_the_dashboard(
    personas: dict[str, Account], busy_week: datetime.date, persona: str
) -> None:
    response = signed_in(personas[persona]).get("/console/stats/")
    assert response.status_code == 200
    assert b"Inquiries by channel" in response.content


@pytest.mark.parametrize("persona", ["kim", "roman", "adam"])
def test_other_roles_may_not_open_the_dashboard(personas: dict[str, Account], persona: str) -> None:
    client = signed_in(personas[persona])
    assert client.get("/console/stats/").status_code == 403
    assert client.get("/console/stats/export/funnel.csv").status_code == 403
    assert client.get("/console/stats/public/").status_code == 403


def test_anonymous_visitor_is_sent_to_sign_in(client: Client) -> None:
    response = client.get("/console/stats/")
    assert response.status_code == 302
    assert "/console/sign-in/" in response["Location"]


def _charts(html: str) -> dict[str, ET.Element]:
    found = {}
    start = 0
    while (begin := html.find("<svg", start)) != -1:
        end = html.index("</svg>", begin) + len("</svg>")
        element = ET.fromstring(html[begin:end])  # noqa: S314 (our own markup)
        title = element.find(f"{SVG}title")
        assert title is not None
        found[title.text or ""] = element
        start = end
    return found


def test_charts_are_svg_with_titles_and_marks(anna: Account, busy_week: datetime.date) -> None:
    html = signed_in(anna).get("/console/stats/").content.decode()
    charts = _charts(html)
    for title in [
        "Inquiries by channel",
        "Inquiries by language",
        "Inquiries by campaign",
        "Funnel: cases reaching each stage",
        "Time to first response",
        "Closures by reason",
        "Cumulative inquiries",
        "Cumulative surrenders",
    ]:
        assert title in charts, title
        chart = charts[title]
        marks = chart.findall(f".//{SVG}rect") + chart.findall(f".//{SVG}polyline")
        marks += chart.findall(f".//{SVG}circle")
        assert len(marks) > 1, f"{title} draws nothing"
        texts = [t.text for t in chart.iter(f"{SVG}text")]
        assert title in texts  # the visible heading, for print
    assert "<script" not in html.split("</head>")[1]


def test_small_counts_are_hidden_on_the_page_and_in_exports(
    anna: Account, busy_week: datetime.date
) -> None:
    client = signed_in(anna)
    html = client.get("/console/stats/").content.decode()
    assert "&lt;5" in html
    rows = list(
        csv.reader(io.StringIO(client.get("/console/stats/export/funnel.csv").content.decode()))
    )
    assert ["Surrendered", "<5"] in rows
    by_channel = client.get("/console/stats/export/inquiries_by_channel.csv").content.decode()
    table = list(csv.reader(io.StringIO(by_channel)))
    values = {v for row in table[1:] for v in row[1:]}
    assert not values & {"1", "2", "3", "4"}
    closures = json.loads(client.get("/console/stats/export/closures.json").content)
    duplicate = next(r for r in closures["rows"] if r["label"] == "Duplicate")
    assert duplicate["cells"][0] == {"value": None, "display": "<5", "suppressed": "small"}


def test_full_report_json_holds_every_table(anna: Account, busy_week: datetime.date) -> None:
    response = signed_in(anna).get("/console/stats/export/all.json")
    document = json.loads(response.content)
    assert response["Content-Disposition"].startswith("attachment;")
    assert set(document["tables"]) >= {"inquiries_by_channel", "funnel", "first_response"}
    week = document["tables"]["first_response"]["rows"]
    answered = [row for row in week if row["answered"]["value"] == 25]
    assert len(answered) == 1
    assert 5 <= answered[0]["median_minutes"] <= 10  # 20 of 25 answered in 5–10 minutes


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("start=2026-03-10&end=2026-03-01&granularity=week", "before it starts"),
        ("start=2023-01-01&end=2026-01-01&granularity=week", "at most two years"),
        ("start=2026-01-01&end=2026-06-01&granularity=day", "Daily figures cover at most"),
        ("start=yesterday&end=2026-01-01&granularity=week", "YYYY-MM-DD"),
        ("start=2026-01-01&end=2026-02-01&granularity=year", "days, weeks or months"),
    ],
)
def test_bad_ranges_get_clear_messages_and_keep_what_was_typed(
    anna: Account, query: str, message: str
) -> None:
    client = signed_in(anna)
    response = client.get("/console/stats/?" + query)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    typed_start = query.split("&")[0].split("=")[1]
    assert f'value="{typed_start}"' in html
    assert client.get("/console/stats/export/funnel.csv?" + query).status_code == 400


def test_range_in_the_future_is_refused(anna: Account) -> None:
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = signed_in(anna).get(
        f"/console/stats/?start=2026-01-01&end={tomorrow.isoformat()}&granularity=week"
    )
    assert response.status_code == 400
    assert b"cannot end in the future" in response.content


def test_unknown_export_is_not_found(anna: Account) -> None:
    client = signed_in(anna)
    assert client.get("/console/stats/export/names.csv").status_code == 404
    assert client.get("/console/stats/export/funnel.xlsx").status_code == 404


def test_counters_follow_cases_through_the_service_layer(
    sofia: Account,
) -> None:
    cases = [open_case(channel=Channel.WEB, language="ru") for _ in range(6)]
    for case in cases:
        transition_case(case, to=CaseState.ENGAGED, by=sofia)
    case = transition_case(cases[0], to=CaseState.VERIFIED, by=sofia)
    case = transition_case(case, to=CaseState.PLANNING, by=sofia)
    case = transition_case(case, to=CaseState.VERIFIED, by=sofia)
    transition_case(case, to=CaseState.PLANNING, by=sofia)
    transition_case(cases[1], to=CaseState.CLOSED, by=sofia, reason="withdrawn")

    assert total(Metric.OPENED, Dimension.CHANNEL, Channel.WEB) == 6
    assert total(Metric.OPENED, Dimension.LANGUAGE, "ru") == 6
    assert total(Metric.REACHED, key=CaseState.ENGAGED) == 6
    assert total(Metric.REACHED, key=CaseState.PLANNING) == 1  # planned twice, counted once
    assert total(Metric.TRANSITION, key="planning>verified") == 1
    assert total(Metric.CLOSED, key="withdrawn") == 1
    squash_counters()
    assert total(Metric.REACHED, key=CaseState.ENGAGED) == 6
    engaged = DailyCount.objects.filter(metric=Metric.REACHED, key=CaseState.ENGAGED)
    assert engaged.count() == 2  # folded: one row in total, one for "no campaign"


@pytest.mark.parametrize("granularity", ["day", "week", "month"])
def test_periods_add_up_whatever_the_granularity(
    anna: Account, busy_week: datetime.date, granularity: str
) -> None:
    start = (busy_week - datetime.timedelta(days=40)).isoformat()
    end = timezone.localdate().isoformat()
    query = f"start={start}&end={end}&granularity={granularity}"
    table = signed_in(anna).get(f"/console/stats/export/inquiries_by_channel.json?{query}").json()
    assert table["grand_total"]["value"] == 68
    web = table["columns"].index("Website")
    assert sum(row["cells"][web]["value"] or 0 for row in table["rows"]) == 40
