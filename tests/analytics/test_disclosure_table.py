"""Two-dimensional disclosure control: an attacker who subtracts shown figures from row and column totals never
recovers a hidden one (property-style, over random tables)."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tamyr.analytics.disclosure import COLUMN_TOTAL, ROW_TOTAL, ProtectedSeries, protect_series, protect_table


def lines(table: Any, true: dict[tuple[Any, Any], int]) -> list[list[tuple[Any, int, int | None]]]:
    """Every equation of the table as (key, true value, shown value), the total last."""

    def shown(key: tuple[Any, Any]) -> int | None:
        row, column = key
        if row == ROW_TOTAL and column == COLUMN_TOTAL:
            return table.total
        if row == ROW_TOTAL:
            return table.column_totals[column]
        if column == COLUMN_TOTAL:
            return table.row_totals[row]
        return table.cells[key]

    rows, columns = list(table.rows), list(table.columns)
    result = []
    for row in [*rows, ROW_TOTAL]:
        result.append([((row, c), true[(row, c)], shown((row, c))) for c in [*columns, COLUMN_TOTAL]])
    for column in [*columns, COLUMN_TOTAL]:
        result.append([((r, column), true[(r, column)], shown((r, column))) for r in [*rows, ROW_TOTAL]])
    return result


def with_margins(counts: dict[tuple[str, str], int], rows: list[str], columns: list[str]) -> dict[Any, int]:
    true: dict[Any, int] = {(r, c): counts.get((r, c), 0) for r in rows for c in columns}
    for r in rows:
        true[(r, COLUMN_TOTAL)] = sum(true[(r, c)] for c in columns)
    for c in columns:
        true[(ROW_TOTAL, c)] = sum(true[(r, c)] for r in rows)
    true[(ROW_TOTAL, COLUMN_TOTAL)] = sum(true[(r, COLUMN_TOTAL)] for r in rows)
    return true


tables = st.dictionaries(
    st.tuples(st.sampled_from(["KZ", "TR", "HU", "IS", "DE", "AT"]), st.sampled_from(["f", "m", "o", ""])),
    st.one_of(st.integers(0, 12), st.integers(0, 200)),
    min_size=1,
    max_size=24,
)


@settings(max_examples=300, deadline=None)
@given(tables)
def test_no_line_has_exactly_one_hidden_non_zero_figure(counts: dict[tuple[str, str], int]) -> None:
    table = protect_table(counts, rounding=1)
    true = with_margins(counts, list(table.rows), list(table.columns))
    for line in lines(table, true):
        hidden = [key for key, value, shown in line if shown is None and value > 0]
        assert len(hidden) != 1, line


@settings(max_examples=300, deadline=None)
@given(tables)
def test_subtracting_shown_figures_never_gives_a_hidden_one(counts: dict[tuple[str, str], int]) -> None:
    """Without rounding (the attacker's best case): in each line whose total is shown, the total minus the shown
    cells is the sum of two or more hidden non-zero figures, so it equals none of them."""
    table = protect_table(counts, rounding=1)
    true = with_margins(counts, list(table.rows), list(table.columns))
    recovered = 0
    for line in lines(table, true):
        *inner, (_total_key, _total_true, total_shown) = line
        hidden_inner = [(key, value) for key, value, shown in inner if shown is None]
        if total_shown is None or not hidden_inner:
            continue
        guess = total_shown - sum(shown for _key, _value, shown in inner if shown is not None)
        recovered += sum(1 for _key, value in hidden_inner if value == guess)
    assert recovered == 0


@settings(max_examples=200, deadline=None)
@given(tables)
def test_every_small_non_zero_cell_is_hidden_and_the_others_rounded(counts: dict[tuple[str, str], int]) -> None:
    table = protect_table(counts)
    for key, value in table.cells.items():
        true = counts.get(key, 0)
        if 0 < true < 10:
            assert value is None
        if value is not None:
            assert value % 5 == 0 and abs(value - true) <= 2


def test_a_lone_small_cell_in_a_row_hides_a_second_cell_in_that_row_and_its_column() -> None:
    counts = {("HU", "f"): 40, ("HU", "m"): 3, ("DE", "f"): 25, ("DE", "m"): 30}
    table = protect_table(counts, rounding=1)
    assert table.cells[("HU", "m")] is None
    assert table.cells[("HU", "f")] is None or table.row_totals["HU"] is None
    assert table.cells[("DE", "m")] is None or table.column_totals["m"] is None


def test_the_data_owner_sees_the_table_as_it_is() -> None:
    table = protect_table({("IS", "m"): 3, ("HU", "f"): 12}, raw=True)
    assert table.cells[("IS", "m")] == 3 and table.total == 15 and table.raw


def test_the_one_dimensional_case_keeps_its_signature() -> None:
    series = protect_series({"HU": 40, "AT": 3}, threshold=10, rounding=5)
    assert isinstance(series, ProtectedSeries) and series.cells["AT"] is None
