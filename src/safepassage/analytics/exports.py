"""CSV and JSON exports of the suppressed report tables (the same values the page shows)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from django.utils.translation import gettext as _

from safepassage.analytics.public import CumulativeTable
from safepassage.analytics.reports import Report, ResponseTimes
from safepassage.analytics.suppression import Cell, SuppressedTable

AnyTable = SuppressedTable | ResponseTimes | CumulativeTable
# Spreadsheets run a cell that starts with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _safe(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_START) else text


def table_rows(table: AnyTable) -> list[list[str]]:
    """A table as rows of display strings, header first (what the CSV holds)."""
    if isinstance(table, SuppressedTable):
        header = ["", *table.column_labels]
        if table.row_totals is not None:
            header.append(_("Total"))
        rows = [header]
        for i, label in enumerate(table.row_labels):
            row = [label, *(cell.display for cell in table.cells[i])]
            if table.row_totals is not None:
                row.append(table.row_totals[i].display)
            rows.append(row)
        if table.column_totals is not None:
            totals = [_("Total"), *(cell.display for cell in table.column_totals)]
            if table.row_totals is not None and table.grand_total is not None:
                totals.append(table.grand_total.display)
            rows.append(totals)
        return rows
    if isinstance(table, ResponseTimes):
        rows = [["", _("Answered"), _("Median (minutes)"), _("90th percentile (minutes)")]]
        for r in table.rows:
            p90 = "" if r.p90_minutes is None else f"{r.p90_minutes}"
            rows.append(
                [
                    r.label,
                    r.answered.display,
                    "" if r.median_minutes is None else f"{r.median_minutes}",
                    f">{p90}" if r.p90_is_floor else p90,
                ]
            )
        return rows
    rows = [["", _("Inquiries (cumulative)"), _("Surrenders (cumulative)")]]
    rows += [[r.label, r.inquiries.display, r.surrenders.display] for r in table.rows]
    return rows


def to_csv(table: AnyTable) -> str:
    """The table as CSV text (UTF-8, formula-looking cells defused)."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in table_rows(table):
        writer.writerow([_safe(value) for value in row])
    return out.getvalue()


def _cell_json(cell: Cell) -> dict[str, Any]:
    return {
        "value": cell.value,
        "display": cell.display,
        "suppressed": None if not cell.hidden else str(cell.status),
    }


def table_json(table: AnyTable) -> dict[str, Any]:
    """A JSON-ready dict of the table; hidden counts have ``value: null``."""
    if isinstance(table, SuppressedTable):
        return {
            "title": table.title,
            "columns": table.column_labels,
            "rows": [
                {"label": label, "cells": [_cell_json(c) for c in table.cells[i]]}
                | (
                    {"total": _cell_json(table.row_totals[i])}
                    if table.row_totals is not None
                    else {}
                )
                for i, label in enumerate(table.row_labels)
            ],
            "column_totals": None
            if table.column_totals is None
            else [_cell_json(c) for c in table.column_totals],
            "grand_total": None if table.grand_total is None else _cell_json(table.grand_total),
        }
    if isinstance(table, ResponseTimes):
        return {
            "title": table.title,
            "rows": [
                {
                    "label": r.label,
                    "answered": _cell_json(r.answered),
                    "median_minutes": r.median_minutes,
                    "p90_minutes": r.p90_minutes,
                    "p90_is_lower_bound": r.p90_is_floor,
                }
                for r in table.rows
            ],
        }
    return {
        "title": table.title,
        "rows": [
            {
                "label": r.label,
                "inquiries": r.inquiries.value,
                "inquiries_added": r.inquiries.added,
                "surrenders": r.surrenders.value,
                "surrenders_added": r.surrenders.added,
            }
            for r in table.rows
        ],
    }


def report_json(report: Report) -> str:
    """The whole report as JSON text: the range, the suppression rule and every table."""
    document = {
        "range": {
            "start": report.range.start.isoformat(),
            "end": report.range.end.isoformat(),
            "granularity": str(report.range.granularity),
        },
        "suppression": {
            "small": "counts 1-4 are shown as <5 (value null)",
            "complementary": "further counts hidden (x) so a small one cannot be recomputed",
        },
        "tables": {name: table_json(table) for name, table in report.tables().items()},
    }
    return json.dumps(document, ensure_ascii=False, indent=2)
