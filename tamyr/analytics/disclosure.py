"""Statistical disclosure control: the one place that decides which counts may be shown to whom (issue 16).

Why one service: a count of 1 in "people from Iceland at the Vienna training" identifies a person as surely as their
name. Official statistics suppress small cells and round the rest (the ONS "10-5 rule": hide below 10, round to 5),
and hide a second cell where one hidden cell could be worked out from the total (secondary suppression). Every page,
export and API that shows figures to anyone but a platform admin or the data's own organization goes through here.

`protect_series` is the one-dimensional case (figures per country, per language, ...) with its total; the dashboard
adds the two-dimensional case in this module with the same rules.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

K = TypeVar("K", bound=Hashable)

THRESHOLD = 10
ROUNDING = 5


def round_count(value: int, rounding: int = ROUNDING) -> int:
    """Round half up to the nearest multiple of `rounding` (12 → 10, 13 → 15)."""
    if rounding <= 1:
        return value
    return ((value + rounding // 2) // rounding) * rounding


@dataclass(frozen=True)
class ProtectedSeries(Generic[K]):
    """Figures ready to show: `None` is a hidden cell; `raw` says nothing was hidden or rounded."""

    cells: dict[K, int | None] = field(default_factory=dict)
    total: int | None = 0
    raw: bool = False

    @property
    def hidden(self) -> int:
        return sum(1 for value in self.cells.values() if value is None)


def protect_series(
    counts: Mapping[K, int], *, raw: bool = False, threshold: int = THRESHOLD, rounding: int = ROUNDING
) -> ProtectedSeries[K]:
    """Hide cells below `threshold`, round the others and the total; if exactly one cell is hidden, hide the
    smallest shown cell too, so that the hidden one cannot be recovered as the total minus the shown cells.

    `raw=True` (a platform admin, or the data's own organization) returns the figures as they are.
    """
    total = sum(counts.values())
    if raw:
        return ProtectedSeries(cells=dict(counts), total=total, raw=True)
    cells: dict[K, int | None] = {
        key: (round_count(value, rounding) if value >= threshold else None) for key, value in counts.items()
    }
    hidden = [key for key, value in cells.items() if value is None and counts[key] > 0]
    if len(hidden) == 1:
        shown = sorted((counts[key], str(key), key) for key, value in cells.items() if value is not None)
        if shown:
            cells[shown[0][2]] = None
    shown_total = round_count(total, rounding) if total >= threshold else None
    return ProtectedSeries(cells=cells, total=shown_total)


R = TypeVar("R", bound=Hashable)
C = TypeVar("C", bound=Hashable)

ROW_TOTAL = "__row_total__"  # the margin cells' places in the equations below
COLUMN_TOTAL = "__column_total__"


@dataclass(frozen=True)
class ProtectedTable(Generic[R, C]):
    """A two-dimensional table ready to show: `None` is a hidden cell, a hidden row or column total, or a hidden
    grand total. Cells and totals are each the true figure rounded (so shown cells need not add up to the shown
    total exactly; each is within half the rounding base of the truth); `raw` says nothing was hidden or rounded."""

    rows: tuple[R, ...] = ()
    columns: tuple[C, ...] = ()
    cells: dict[tuple[R, C], int | None] = field(default_factory=dict)
    row_totals: dict[R, int | None] = field(default_factory=dict)
    column_totals: dict[C, int | None] = field(default_factory=dict)
    total: int | None = 0
    raw: bool = False

    @property
    def hidden(self) -> int:
        """Hidden inner cells (the figure the benchmark reports as suppressed cells)."""
        return sum(1 for value in self.cells.values() if value is None)


def protect_table(
    rows: Mapping[tuple[R, C], int],
    *,
    raw: bool = False,
    threshold: int = THRESHOLD,
    rounding: int = ROUNDING,
    row_order: list[R] | None = None,
    column_order: list[C] | None = None,
) -> ProtectedTable[R, C]:
    """Hide and round a table of counts with its row, column and grand totals.

    Why more than `protect_series` per line: a table is a set of equations (each row's cells add up to its row
    total, each column's to its column total, the row totals and the column totals each to the grand total). An
    equation with exactly one unknown gives that unknown away, so after hiding the small cells (primary
    suppression) we repeat until no equation has exactly one hidden non-zero figure: in each equation with one, we
    hide its smallest shown non-zero cell (or, when none is left, its total). Zero cells are shown as 0 and never
    count as the second hidden figure (hiding a known zero protects nothing). Every hidden figure is then one of at
    least two unknowns in every equation it appears in.

    Missing (row, column) pairs are zero. `raw=True` returns the figures as they are.
    """
    # The table as a grid of lists (rows, then the column totals' row; columns, then the row totals' column):
    # exports protect a thousand blocks a request, and dicts of tuples cost most of their time.
    row_keys: list[R] = list(row_order) if row_order is not None else []
    column_keys: list[C] = list(column_order) if column_order is not None else []
    seen_rows, seen_columns = set(row_keys), set(column_keys)
    for row, column in rows:
        if row not in seen_rows:
            seen_rows.add(row)
            row_keys.append(row)
        if column not in seen_columns:
            seen_columns.add(column)
            column_keys.append(column)
    grid: list[list[int]] = []
    for row in row_keys:
        line = [int(rows.get((row, column), 0)) for column in column_keys]
        line.append(sum(line))
        grid.append(line)
    grid.append([sum(column) for column in zip(*grid, strict=True)] if grid else [0] * (len(column_keys) + 1))

    if raw:
        return _table_from(grid, row_keys, column_keys, hidden=None, raw=True, rounding=1)

    # the equations: every row and every column of the table extended by its margins
    all_rows: list[Any] = [*row_keys, ROW_TOTAL]
    all_columns: list[Any] = [*column_keys, COLUMN_TOTAL]
    last_row, last_column = len(row_keys), len(column_keys)
    hidden = [[0 < value < threshold for value in line] for line in grid]

    def settle(values: list[int], hides: list[bool], key_of: Any, last: int) -> int:
        """Index to hide in a line with exactly one hidden non-zero figure (its smallest shown non-zero inner
        cell, else its margin), -1 when none is needed."""
        unknown = 0
        for index, value in enumerate(values):
            if hides[index] and value > 0:
                unknown += 1
                if unknown > 1:
                    return -1
        if unknown != 1:
            return -1
        candidates = [(values[i], str(key_of(i)), key_of(i), i) for i in range(last) if not hides[i] and values[i] > 0]
        if candidates:
            return min(candidates)[3]
        if not hides[last] and values[last] > 0:
            return last
        return -1  # pragma: no cover - a line whose only non-zero figure is hidden has its total equal to it

    changed = True
    while changed:
        changed = False
        for i in range(last_row + 1):
            row_key = all_rows[i]
            j = settle(grid[i], hidden[i], lambda c, r=row_key: (r, all_columns[c]), last_column)
            if j >= 0:
                hidden[i][j] = True
                changed = True
        for j in range(last_column + 1):
            column_key = all_columns[j]
            values = [line[j] for line in grid]
            hides = [line[j] for line in hidden]
            i = settle(values, hides, lambda r, c=column_key: (all_rows[r], c), last_row)
            if i >= 0:
                hidden[i][j] = True
                changed = True
    return _table_from(grid, row_keys, column_keys, hidden=hidden, raw=False, rounding=rounding)


def _table_from(
    grid: list[list[int]],
    row_keys: list[Any],
    column_keys: list[Any],
    *,
    hidden: list[list[bool]] | None,
    raw: bool,
    rounding: int,
) -> ProtectedTable[Any, Any]:
    half = rounding // 2
    shown_grid: list[list[int | None]] = []
    for i, line in enumerate(grid):
        hides = hidden[i] if hidden is not None else None
        if rounding <= 1:
            shown_line: list[int | None] = list(line)
        else:
            shown_line = [((value + half) // rounding) * rounding for value in line]
        if hides is not None:
            shown_line = [None if hide else value for value, hide in zip(shown_line, hides, strict=True)]
        shown_grid.append(shown_line)
    last_column = len(column_keys)
    totals = shown_grid[-1]
    return ProtectedTable(
        rows=tuple(row_keys),
        columns=tuple(column_keys),
        cells={
            (row, column): value
            for row, line in zip(row_keys, shown_grid, strict=False)
            for column, value in zip(column_keys, line, strict=False)
        },
        row_totals={row: line[last_column] for row, line in zip(row_keys, shown_grid, strict=False)},
        column_totals=dict(zip(column_keys, totals, strict=False)),
        total=totals[last_column],
        raw=raw,
    )
