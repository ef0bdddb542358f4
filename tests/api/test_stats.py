"""Statistics: suppressed server-side, one complete calendar month per request, so no
combination of requests recovers a hidden cell by differencing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from safepassage.accounts.models import Account
from safepassage.analytics.models import DailyCount, Dimension, Metric
from safepassage.api.main import api
from safepassage.api.stats import last_complete_month

from .support import call, make_client

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()
LAST = last_complete_month(TODAY)
BEFORE = last_complete_month(LAST)


def _opened(day: dt.date, by_channel: dict[str, int], language: str = "ru") -> None:
    """Counter rows as the analytics subscriber writes them for cases opened on ``day``."""
    total = sum(by_channel.values())
    rows = [DailyCount(day=day, metric=Metric.OPENED, dimension=Dimension.TOTAL, count=total)]
    rows += [
        DailyCount(day=day, metric=Metric.OPENED, dimension=Dimension.CHANNEL, value=c, count=n)
        for c, n in by_channel.items()
    ]
    rows.append(
        DailyCount(
            day=day, metric=Metric.OPENED, dimension=Dimension.LANGUAGE, value=language, count=total
        )
    )
    rows.append(
        DailyCount(
            day=day, metric=Metric.OPENED, dimension=Dimension.CAMPAIGN, value="", count=total
        )
    )
    DailyCount.objects.bulk_create(rows)


@pytest.fixture
def token(personas: dict[str, Account]) -> str:
    _client, token = make_client(personas["adam"], "stats:read")
    return token


def _month(token: str, month: dt.date, query: str = "") -> Any:
    return call("GET", f"/api/v1/stats/months/{month.year}/{month.month}{query}", token)


def _cells(table: dict[str, Any]) -> list[dict[str, Any]]:
    cells = [c for row in table["rows"] for c in row["cells"]]
    cells += [row["total"] for row in table["rows"] if row.get("total")]
    cells += table["column_totals"] or []
    return cells + ([table["grand_total"]] if table["grand_total"] else [])


def test_small_cells_are_hidden_and_cannot_be_recovered_from_their_row(token: str) -> None:
    _opened(BEFORE + dt.timedelta(days=3), {"web": 3, "telegram": 12, "sms": 10})
    response = _month(token, BEFORE)
    assert response.status_code == 200
    body = response.json()
    assert body["month"] == BEFORE.strftime("%Y-%m")
    assert body["threshold"] == 5
    assert "wishes_at_repatriation" not in body["tables"]
    table = body["tables"]["inquiries_by_channel"]
    channels = table["columns"]
    row = table["rows"][0]
    web = row["cells"][channels.index("Website")]
    assert web == {"value": None, "display": "<5", "suppressed": "small"}
    for table in body["tables"].values():
        for cell in _cells(table):
            assert (cell["value"] is None) == (cell["suppressed"] is not None)
        for row in table["rows"]:
            hidden = [c for c in row["cells"] if c["value"] is None]
            total = row.get("total")
            # One hidden cell beside a published row total would be its difference.
            assert len(hidden) != 1 or (total is not None and total["value"] is None)


def test_only_complete_calendar_months_can_be_requested(token: str) -> None:
    this_month = TODAY.replace(day=1)
    for year, month, code in [
        (this_month.year, this_month.month, "period_not_available"),
        (TODAY.year + 1, 1, "period_not_available"),
        (LAST.year, 13, "invalid_request"),
        (1999, 12, "invalid_request"),
    ]:
        response = call("GET", f"/api/v1/stats/months/{year}/{month}", token)
        assert response.status_code == 422
        assert response.json()["code"] == code


def test_no_parameter_narrows_or_shifts_a_month(token: str) -> None:
    _opened(LAST + dt.timedelta(days=1), {"web": 2})
    _opened(LAST + dt.timedelta(days=20), {"web": 6})
    plain = _month(token, LAST).json()
    for query in ("?start=2020-01-01", f"?end={LAST.isoformat()}", "?granularity=day&days=1"):
        assert _month(token, LAST, query).json() == plain
    # The schema offers nothing but the year and the month.
    schema = api.get_openapi_schema()
    operation = schema["paths"]["/api/v1/stats/months/{year}/{month}"]["get"]
    assert sorted(p["name"] for p in operation["parameters"]) == ["month", "year"]


def test_disjoint_months_do_not_difference_into_a_small_count(token: str) -> None:
    # Two in the month before, nine last month: a month-by-month running total would
    # give away the two; the totals hold the small increase back instead.
    _opened(BEFORE + dt.timedelta(days=2), {"telegram": 2})
    _opened(LAST + dt.timedelta(days=2), {"telegram": 9})
    months = call("GET", "/api/v1/stats/totals", token).json()["months"]
    published = {m["month"]: m["inquiries"] for m in months}
    assert published[BEFORE.strftime("%Y-%m")] is None
    assert published[LAST.strftime("%Y-%m")] == 11
    shown = [v for v in published.values() if v is not None]
    assert all(b - a == 0 or b - a >= 5 for a, b in zip([0, *shown], shown, strict=False))
    before = _month(token, BEFORE).json()["tables"]["inquiries_by_channel"]
    assert all(c["value"] != 2 for c in _cells(before))
