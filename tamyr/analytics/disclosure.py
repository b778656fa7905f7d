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
from typing import Generic, TypeVar

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
