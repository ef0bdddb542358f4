"""Analyst dashboard: charts and suppressed tables from the counters, and their exports.

Shows aggregates only, every count 1–4 hidden as "<5" with complementary suppression
(see ``safepassage.analytics.suppression``).  Reads counter tables, never cases.
"""

from __future__ import annotations

import json
import time

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from safepassage.accounts.models import Role
from safepassage.analytics.counters import squash_counters
from safepassage.analytics.dashboard import charts_for
from safepassage.analytics.exports import report_json, table_json, table_rows, to_csv
from safepassage.analytics.forms import ReportRangeForm
from safepassage.analytics.periods import ReportRange, default_range
from safepassage.analytics.public import public_summary
from safepassage.analytics.reports import build_report
from safepassage.console.access import console_view

EXPORT_FORMATS = ("csv", "json")


def _range_form(request: HttpRequest) -> tuple[ReportRangeForm, ReportRange | None]:
    """The form as typed (or the default range) and the checked range, if valid."""
    if {"start", "end", "granularity"} & set(request.GET):
        form = ReportRangeForm(request.GET)
        return form, form.report_range if form.is_valid() else None
    rng = default_range(timezone.localdate())
    form = ReportRangeForm(
        initial={"start": rng.start, "end": rng.end, "granularity": rng.granularity}
    )
    return form, rng


def _download(body: str, *, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@console_view(Role.ANALYST, Role.SUPERVISOR)
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """The dashboard for a range (default: the last twelve weeks, by week)."""
    started = time.monotonic()
    form, rng = _range_form(request)
    context: dict[str, object] = {"form": form}
    status = 200
    if rng is None:
        status = 400
    else:
        # Fold rows counted since the last visit first, so the sums read few rows.
        squash_counters()
        report = build_report(rng)
        context |= {
            "report": report,
            "charts": {chart.name: chart for chart in charts_for(report)},
            "tables": {name: table_rows(table) for name, table in report.tables().items()},
            "query": request.GET.urlencode(),
        }
    context["elapsed_ms"] = round((time.monotonic() - started) * 1000)
    return render(request, "console/stats/dashboard.html", context, status=status)


@console_view(Role.ANALYST, Role.SUPERVISOR)
@require_GET
def export(request: HttpRequest, table: str, fmt: str) -> HttpResponse:
    """One suppressed table as CSV or JSON, or ``all`` tables as one JSON document."""
    if fmt not in EXPORT_FORMATS:
        raise Http404("No such export.")
    form, rng = _range_form(request)
    if rng is None:
        return render(request, "console/stats/dashboard.html", {"form": form}, status=400)
    report = build_report(rng)
    stem = f"safepassage-{table}-{rng.start.isoformat()}-{rng.end.isoformat()}"
    if table == "all" and fmt == "json":
        return _download(
            report_json(report), filename=f"{stem}.json", content_type="application/json"
        )
    tables = report.tables()
    if table not in tables:
        raise Http404("No such table.")
    if fmt == "csv":
        return _download(
            to_csv(tables[table]), filename=f"{stem}.csv", content_type="text/csv; charset=utf-8"
        )
    body = json.dumps(table_json(tables[table]), ensure_ascii=False, indent=2)
    return _download(body, filename=f"{stem}.json", content_type="application/json")


@console_view(Role.ANALYST, Role.SUPERVISOR)
@require_GET
def public_totals(request: HttpRequest) -> HttpResponse:
    """Month-by-month running totals for a press statement, with CSV/JSON downloads."""
    summary = public_summary(timezone.localdate())
    fmt = request.GET.get("format", "")
    if fmt == "csv":
        return _download(
            to_csv(summary), filename="safepassage-public-totals.csv", content_type="text/csv"
        )
    if fmt == "json":
        return _download(
            json.dumps(table_json(summary), ensure_ascii=False, indent=2),
            filename="safepassage-public-totals.json",
            content_type="application/json",
        )
    inquiries, surrenders = summary.latest()
    return render(
        request,
        "console/stats/public.html",
        {"summary": summary, "inquiries": inquiries, "surrenders": surrenders},
    )
