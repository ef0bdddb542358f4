"""Small-cell suppression: no count 1–4 is published, no hidden count can be recomputed."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from safepassage.analytics.suppression import (
    TOTAL,
    Status,
    suppress_table,
    suppression_pattern,
)

EdgeKey = tuple[int, int]


def all_values(cells: list[list[int]]) -> dict[EdgeKey, int]:
    n, m = len(cells), len(cells[0])
    values = {(i, j): cells[i][j] for i in range(n) for j in range(m)}
    for i in range(n):
        values[(i, TOTAL)] = sum(cells[i])
    for j in range(m):
        values[(TOTAL, j)] = sum(row[j] for row in cells)
    values[(TOTAL, TOTAL)] = sum(map(sum, cells))
    return values


def determined_hidden_values(
    cells: list[list[int]], status: dict[EdgeKey, Status]
) -> list[EdgeKey]:
    """Hidden published counts that the row/column equations pin to one value.

    Independent of the algorithm: plain linear algebra.  Unknowns are the hidden counts
    and every total the table does not publish; the equations are "each row sums to its
    total", "each column sums to its total", "the totals sum to the grand total".  An
    unknown is determined iff its unit vector lies in the row space of the equations
    restricted to the unknowns.
    """
    n, m = len(cells), len(cells[0])
    values = all_values(cells)
    unknown = [edge for edge in values if edge not in status or status[edge] != Status.SHOWN]
    index = {edge: k for k, edge in enumerate(unknown)}
    equations: list[list[EdgeKey]] = []
    for i in [*range(n), TOTAL]:
        equations.append([(i, j) for j in range(m)] + [(i, TOTAL)])
    for j in [*range(m), TOTAL]:
        equations.append([(i, j) for i in range(n)] + [(TOTAL, j)])
    matrix = np.zeros((len(equations), len(unknown)))
    for row, edges in enumerate(equations):
        *parts, whole = edges
        for edge in parts:
            if edge in index:
                matrix[row, index[edge]] += 1
        if whole in index:
            matrix[row, index[whole]] -= 1
    if not unknown:
        return []
    rank = np.linalg.matrix_rank(matrix)
    pinned = []
    for edge, k in index.items():
        if edge not in status:
            continue  # an unpublished total: learning it reveals no hidden small count
        unit = np.zeros((1, len(unknown)))
        unit[0, k] = 1
        if np.linalg.matrix_rank(np.vstack([matrix, unit])) == rank:
            pinned.append(edge)
    return pinned


counts = st.one_of(st.integers(0, 6), st.integers(0, 6), st.integers(5, 60), st.integers(100, 5000))
tables = st.integers(1, 7).flatmap(
    lambda n: st.integers(1, 7).flatmap(
        lambda m: st.lists(st.lists(counts, min_size=m, max_size=m), min_size=n, max_size=n)
    )
)


@settings(max_examples=400, deadline=None)
@given(cells=tables, row_totals=st.booleans(), column_totals=st.booleans())
def test_random_tables_publish_no_small_count_and_nothing_recomputable(
    cells: list[list[int]], row_totals: bool, column_totals: bool
) -> None:
    status = suppression_pattern(cells, row_totals=row_totals, column_totals=column_totals)
    values = all_values(cells)
    for edge, state in status.items():
        if state == Status.SHOWN:
            assert not 1 <= values[edge] <= 4, f"{edge} = {values[edge]} published"
        else:
            assert values[edge] >= 1, "zeros are never hidden"
        if 1 <= values[edge] <= 4:
            assert state == Status.SMALL
    assert determined_hidden_values(cells, status) == []


@settings(max_examples=200, deadline=None)
@given(cells=tables)
def test_exported_table_cells_never_show_one_to_four(cells: list[list[int]]) -> None:
    table = suppress_table(
        title="t",
        row_labels=[str(i) for i in range(len(cells))],
        column_labels=[str(j) for j in range(len(cells[0]))],
        cells=cells,
    )
    texts = [cell.display for row in table.cells for cell in row]
    texts += [cell.display for cell in table.row_totals or []]
    texts += [cell.display for cell in table.column_totals or []]
    assert table.grand_total is not None
    texts.append(table.grand_total.display)
    assert not {"1", "2", "3", "4"} & set(texts)


def test_single_small_cell_gets_complementary_cells() -> None:
    cells = [[3, 12], [20, 30]]
    table = suppress_table(title="t", row_labels=["a", "b"], column_labels=["x", "y"], cells=cells)
    assert table.cells[0][0].display == "<5"
    hidden = [c for row in table.cells for c in row if c.status == Status.COMPLEMENTARY]
    # The cheapest protection: the other cells of the 2×2 rectangle.
    assert len(hidden) == 3
    assert table.grand_total is not None
    assert table.grand_total.display == "65"


def test_table_without_totals_needs_only_primary_suppression() -> None:
    table = suppress_table(
        title="t",
        row_labels=["a", "b"],
        column_labels=["x"],
        cells=[[2], [40]],
        row_totals=False,
        column_totals=False,
    )
    assert [c.display for row in table.cells for c in row] == ["<5", "40"]


def test_one_column_table_with_total_hides_a_second_cell() -> None:
    table = suppress_table(
        title="closures",
        row_labels=["withdrawn", "unreachable", "ineligible"],
        column_labels=["cases"],
        cells=[[2], [9], [30]],
        row_totals=False,
    )
    shown = [c.display for row in table.cells for c in row]
    assert shown == ["<5", "x", "30"]
    assert table.column_totals is not None
    assert table.column_totals[0].display == "41"


def test_zero_is_published_and_never_hidden() -> None:
    table = suppress_table(
        title="t", row_labels=["a", "b"], column_labels=["x", "y"], cells=[[0, 0], [0, 7]]
    )
    assert [c.display for row in table.cells for c in row] == ["0", "0", "0", "7"]


@pytest.mark.parametrize(
    ("cells", "message"),
    [([[1, 2], [3]], "rectangular"), ([[1, -2]], "negative")],
)
def test_bad_tables_are_refused(cells: list[list[int]], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        suppression_pattern(cells)


def test_the_checker_catches_a_recomputable_cell() -> None:
    # Guard for the property test above: primary suppression alone leaves the 3 in
    # [[3, 12], [20, 30]] recomputable from its row total, and the checker must say so.
    cells = [[3, 12], [20, 30]]
    status = dict.fromkeys(all_values(cells), Status.SHOWN)
    status[(0, 0)] = Status.SMALL
    assert determined_hidden_values(cells, status) == [(0, 0)]
