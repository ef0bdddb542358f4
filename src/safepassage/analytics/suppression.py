"""Small-cell suppression for every table an analyst sees or exports.

Rule
====
A count of 1 to 4 could point at one identifiable person (four Korean-speaking
inquiries from one unit in one week), so:

1. **Primary suppression.** Every published count from 1 to ``threshold - 1`` (1–4) —
   inner cells *and* totals — is shown as ``<5``.  Zero is shown: nobody is behind it.
2. **Secondary (complementary) suppression.** A hidden count must not be recomputable
   from the totals of its row or column.  ``[<5, 12 | 15]`` gives the ``<5`` away as 3,
   so more cells are hidden (shown as ``x``) until no hidden value can be worked out.

The algorithm
=============
A table with row totals, column totals and a grand total is a set of linear equations:
each row sums to its row total, each column to its column total, the row totals (and
the column totals) to the grand total.  Model it as a bipartite graph: one vertex per
row (plus one for the "totals" row), one per column (plus one for the "totals"
column); every count is the edge between its row and its column vertex
(``row i`` × ``column T`` is row i's total, ``T × T`` the grand total).  Each vertex is
then exactly one equation over the edges that meet it.

Known result (used in statistical disclosure control for two-way tables): with the
shown values fixed, the hidden values are determined by the equations exactly for the
hidden edges that are **bridges** of the graph formed by the hidden edges — edges that
lie on no cycle.  A hidden edge on a cycle can move up on one side of the cycle and down
on the other (+t, −t, +t, …) with every equation still true; and because every hidden
value is at least 1 (zeros are never hidden), a small enough ``t`` keeps all values
non-negative, so the table has other valid fillings in which that cell differs.

So: after primary suppression, find the bridges among hidden edges (Tarjan, linear
time); for each, hide the cheapest path of shown, non-zero counts that closes a cycle
through it (Dijkstra; already hidden edges cost nothing, a count costs its value and a
total costs four times its value, so small inner cells go before the totals people
quote).  Adding edges never turns a cycle edge into a bridge, so one pass over the
bridges suffices; the loop re-checks anyway.

Totals a table does not publish are unknowns too: they enter the graph as hidden edges
(when non-zero), which is why a single ``<5`` in a table *without* totals needs no
secondary suppression.

What it does not do
===================
* Tables are protected one at a time (as the issue asks).  Two tables that share a
  margin (inquiries by channel and by language, per week) are not cross-checked.
* An attacker who knows the ``<5`` / ``x`` rule gets bounds (a ``<5`` is 1..4, an ``x``
  is at least 5).  Exact recomputation is prevented; in rare tables the bounds can still
  narrow a hidden value to a short interval.
"""

from __future__ import annotations

import enum
import heapq
from collections.abc import Sequence
from dataclasses import dataclass, field

THRESHOLD = 5
TOTAL_COST_FACTOR = 4

TOTAL = -1  # index of the totals row / column in an edge key
EdgeKey = tuple[int, int]  # (row index or TOTAL, column index or TOTAL)


class Status(enum.StrEnum):
    """How one count is published."""

    SHOWN = "shown"
    SMALL = "small"  # primary: 1..threshold-1, shown as "<5"
    COMPLEMENTARY = "complementary"  # secondary: hidden to protect a small count


@dataclass(frozen=True)
class Cell:
    """One published count: its value when shown, else None and why it is hidden."""

    value: int | None
    status: Status

    @property
    def display(self) -> str:
        """Text for a page or a CSV file: the number, ``<5`` or ``x``."""
        if self.status == Status.SMALL:
            return f"<{THRESHOLD}"
        if self.status == Status.COMPLEMENTARY:
            return "x"
        return str(self.value)

    @property
    def hidden(self) -> bool:
        """True when the value is not published."""
        return self.status != Status.SHOWN


@dataclass(frozen=True)
class SuppressedTable:
    """A two-way table ready to publish: every count either shown or hidden.

    ``row_totals`` / ``column_totals`` / ``grand_total`` are None when the table does not
    publish them.
    """

    title: str
    row_labels: list[str]
    column_labels: list[str]
    cells: list[list[Cell]]
    row_totals: list[Cell] | None = None
    column_totals: list[Cell] | None = None
    grand_total: Cell | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def hidden_count(self) -> int:
        """How many published counts are hidden (cells and totals)."""
        everything = [cell for row in self.cells for cell in row]
        everything += self.row_totals or []
        everything += self.column_totals or []
        if self.grand_total is not None:
            everything.append(self.grand_total)
        return sum(1 for cell in everything if cell.hidden)


def _edge_values(cells: Sequence[Sequence[int]], n_rows: int, n_cols: int) -> dict[EdgeKey, int]:
    values: dict[EdgeKey, int] = {}
    for i in range(n_rows):
        for j in range(n_cols):
            values[(i, j)] = cells[i][j]
    for i in range(n_rows):
        values[(i, TOTAL)] = sum(cells[i])
    for j in range(n_cols):
        values[(TOTAL, j)] = sum(cells[i][j] for i in range(n_rows))
    values[(TOTAL, TOTAL)] = sum(values[(i, TOTAL)] for i in range(n_rows))
    return values


def _vertices(edge: EdgeKey) -> tuple[str, str]:
    row, col = edge
    return (f"r{row}" if row != TOTAL else "rT", f"c{col}" if col != TOTAL else "cT")


def _bridges(edges: set[EdgeKey]) -> list[EdgeKey]:
    """Bridges of the graph whose edges are ``edges`` (iterative Tarjan)."""
    adjacency = _adjacency(edges)
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    found: list[EdgeKey] = []
    counter = 0
    for root in sorted(adjacency):
        if root in order:
            continue
        order[root] = low[root] = counter
        counter += 1
        # Stack of (vertex, edge we came by, iterator position).
        stack: list[tuple[str, EdgeKey | None, int]] = [(root, None, 0)]
        while stack:
            vertex, via, position = stack[-1]
            neighbours = adjacency[vertex]
            if position < len(neighbours):
                stack[-1] = (vertex, via, position + 1)
                nxt, edge = neighbours[position]
                if edge == via:
                    continue
                if nxt in order:
                    low[vertex] = min(low[vertex], order[nxt])
                else:
                    order[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append((nxt, edge, 0))
            else:
                stack.pop()
                if stack and via is not None:
                    parent = stack[-1][0]
                    low[parent] = min(low[parent], low[vertex])
                    if low[vertex] > order[parent]:
                        found.append(via)
    return found


Adjacency = dict[str, list[tuple[str, EdgeKey]]]


def _adjacency(edges: set[EdgeKey]) -> Adjacency:
    adjacency: Adjacency = {}
    for edge in edges:
        a, b = _vertices(edge)
        adjacency.setdefault(a, []).append((b, edge))
        adjacency.setdefault(b, []).append((a, edge))
    return adjacency


def _cheapest_cycle_path(
    bridge: EdgeKey, hidden: set[EdgeKey], cost: dict[EdgeKey, float], adjacency: Adjacency
) -> list[EdgeKey] | None:
    """Shown edges to hide so ``bridge`` lies on a cycle (Dijkstra between its ends).

    ``adjacency`` holds every edge that is hidden or may be hidden; an edge's current
    state is read from ``hidden`` (cost 0) and ``cost``.
    """
    start, goal = _vertices(bridge)
    best: dict[str, float] = {start: 0.0}
    came: dict[str, tuple[str, EdgeKey]] = {}
    queue: list[tuple[float, str]] = [(0.0, start)]
    while queue:
        distance, vertex = heapq.heappop(queue)
        if vertex == goal:
            break
        if distance > best.get(vertex, float("inf")):
            continue
        for nxt, edge in adjacency.get(vertex, []):
            if edge == bridge:
                continue
            step = 0.0 if edge in hidden else cost[edge]
            if distance + step < best.get(nxt, float("inf")):
                best[nxt] = distance + step
                came[nxt] = (vertex, edge)
                heapq.heappush(queue, (distance + step, nxt))
    if goal not in came:
        return None
    path: list[EdgeKey] = []
    vertex = goal
    while vertex != start:
        vertex, edge = came[vertex]
        path.append(edge)
    return [edge for edge in path if edge not in hidden]


def suppression_pattern(
    cells: Sequence[Sequence[int]],
    *,
    row_totals: bool = True,
    column_totals: bool = True,
    threshold: int = THRESHOLD,
    n_columns: int | None = None,
) -> dict[EdgeKey, Status]:
    """The status of every published count of a table (see the module docstring).

    ``cells`` is a rectangular list of rows of non-negative integers.  Keys are
    ``(i, j)`` for cells, ``(i, TOTAL)`` for row totals, ``(TOTAL, j)`` for column totals
    and ``(TOTAL, TOTAL)`` for the grand total (published when either kind of total is).
    ``n_columns`` gives the width of a table with no rows.
    """
    n_rows = len(cells)
    n_cols = len(cells[0]) if n_rows else (n_columns or 0)
    if any(len(row) != n_cols for row in cells):
        raise ValueError("a table must be rectangular")
    if any(value < 0 for row in cells for value in row):
        raise ValueError("counts cannot be negative")
    values = _edge_values(cells, n_rows, n_cols)
    published = {(i, j) for i in range(n_rows) for j in range(n_cols)}
    if row_totals:
        published |= {(i, TOTAL) for i in range(n_rows)}
    if column_totals:
        published |= {(TOTAL, j) for j in range(n_cols)}
    if row_totals or column_totals:
        published.add((TOTAL, TOTAL))

    status = dict.fromkeys(published, Status.SHOWN)
    # Unpublished non-zero totals are unknowns to a reader: hidden edges from the start.
    hidden = {edge for edge, value in values.items() if edge not in published and value > 0}
    for edge in published:
        if 0 < values[edge] < threshold:
            status[edge] = Status.SMALL
            hidden.add(edge)
    # What hiding a still-shown count costs; zeros can never be hidden (see docstring).
    cost = {
        edge: values[edge] * (TOTAL_COST_FACTOR if TOTAL in edge else 1) + 1.0
        for edge in published
        if values[edge] > 0 and edge not in hidden
    }
    # Every edge that is or may become hidden; built once, states read from the sets.
    adjacency = _adjacency(hidden | cost.keys())
    for _round in range(n_rows * n_cols + n_rows + n_cols + 2):
        exposed = [edge for edge in _bridges(hidden) if edge in published]
        if not exposed:
            break
        for bridge in sorted(exposed):
            path = _cheapest_cycle_path(bridge, hidden, cost, adjacency)
            if path is None:  # pragma: no cover - a non-zero count always has its totals
                raise RuntimeError("no complementary cells available")
            for edge in path:
                hidden.add(edge)
                cost.pop(edge, None)
                if edge in published:
                    status[edge] = Status.COMPLEMENTARY
    return status


def _cell(value: int, state: Status) -> Cell:
    return Cell(value if state == Status.SHOWN else None, state)


def suppress_table(
    *,
    title: str,
    row_labels: Sequence[str],
    column_labels: Sequence[str],
    cells: Sequence[Sequence[int]],
    row_totals: bool = True,
    column_totals: bool = True,
    threshold: int = THRESHOLD,
) -> SuppressedTable:
    """Apply primary and secondary suppression to a table of counts; see the module doc."""
    if len(cells) != len(row_labels) or any(len(row) != len(column_labels) for row in cells):
        raise ValueError("labels do not match the table's shape")
    status = suppression_pattern(
        cells,
        row_totals=row_totals,
        column_totals=column_totals,
        threshold=threshold,
        n_columns=len(column_labels),
    )
    values = _edge_values(cells, len(row_labels), len(column_labels))
    n_rows, n_cols = len(row_labels), len(column_labels)
    has_grand = (TOTAL, TOTAL) in status
    return SuppressedTable(
        title=title,
        row_labels=list(row_labels),
        column_labels=list(column_labels),
        cells=[
            [_cell(values[(i, j)], status[(i, j)]) for j in range(n_cols)] for i in range(n_rows)
        ],
        row_totals=[_cell(values[(i, TOTAL)], status[(i, TOTAL)]) for i in range(n_rows)]
        if row_totals
        else None,
        column_totals=[_cell(values[(TOTAL, j)], status[(TOTAL, j)]) for j in range(n_cols)]
        if column_totals
        else None,
        grand_total=_cell(values[(TOTAL, TOTAL)], status[(TOTAL, TOTAL)]) if has_grand else None,
    )
