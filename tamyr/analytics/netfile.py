"""The `estimates` section of a network file: official and expert estimates of a diaspora, each with its source.

An estimate is matched by origin, residence, year, publisher and title (the same key as the import), and written
through `tamyr.analytics.estimates`, so the checks and the audit rows are the import's. Nothing is deleted for
being left out. The demo's census figures for the Kazakh diaspora are such a file (tamyr/demo/estimates.yaml).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy

from tamyr.accounts.permissions import SYSTEM
from tamyr.analytics import estimates
from tamyr.analytics.models import DiasporaEstimate, EstimateMeasure
from tamyr.core.errors import DomainError
from tamyr.core.netfiles import Change, Context, DumpScope, Item, Section, register
from tamyr.registry.models import Country

COUNTRY: dict[str, Any] = {"type": "string", "pattern": "^[A-Z]{2}$"}
FIGURE: dict[str, Any] = {"type": ["integer", "null"], "minimum": 0}
FIELDS = ("point", "low", "high", "url", "table", "method_note", "measure")


def _row(item: Item) -> estimates.EstimateRow:
    data = item.data
    return estimates.EstimateRow(
        origin=data["origin"], residence=data["residence"], year=int(data["year"]), point=data.get("point"),
        low=data.get("low"), high=data.get("high"), publisher=data["publisher"], title=data["title"],
        url=data.get("url", ""), table=data.get("table", ""), method_note=data.get("note", ""),
        measure=data.get("measure", EstimateMeasure.OTHER), row=item.line)  # fmt: skip


@register
class EstimatesSection(Section):
    name = "estimates"
    label = gettext_lazy("diaspora estimate")
    key_field = "residence"

    def key_of(self, data: dict[str, Any]) -> str:
        return ":".join(str(data.get(name, "")) for name in ("origin", "residence", "year", "publisher", "title"))

    def item_schema(self) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["origin", "residence", "year", "publisher", "title"],
            "additionalProperties": False,
            "properties": {
                "origin": COUNTRY,
                "residence": COUNTRY,
                "year": {"type": "integer", "minimum": 1800, "maximum": 2200},
                "point": FIGURE,
                "low": FIGURE,
                "high": FIGURE,
                "measure": {"enum": list(EstimateMeasure.values)},
                "publisher": {"type": "string", "maxLength": 200},
                "title": {"type": "string", "maxLength": 300},
                "url": {"type": "string", "maxLength": 500},
                "table": {"type": "string", "maxLength": 200},
                "note": {"type": "string"},
            },
        }

    def plan(self, items: list[Item], context: Context) -> list[Change]:
        existing = {
            (e.origin_id, e.residence_id, e.year, e.publisher, e.title): e
            for e in DiasporaEstimate.objects.filter(residence__in={item.data["residence"] for item in items})
        }
        countries = set(Country.objects.values_list("code", flat=True))
        changes = []
        for item in items:
            row = _row(item)
            try:
                estimates.check_row(row, countries)
            except DomainError as error:
                context.problems.append(item.problem("", str(error.message)))
                continue
            estimate = existing.get((row.origin, row.residence, row.year, row.publisher, row.title))
            if estimate is None:
                changes.append(Change(self, self.key_of(item.data), "create", item))
                continue
            changed = [name for name in FIELDS if getattr(estimate, name) != getattr(row, name)]
            changes.append(Change(self, self.key_of(item.data), "change" if changed else "unchanged", item, changed))
        return changes

    def apply(self, change: Change, context: Context) -> None:
        try:
            estimates.estimates_import(rows=[_row(change.item)], acting_user=context.acting_user or SYSTEM)
        except DomainError as error:
            from tamyr.core.netfiles import NetfileError

            raise NetfileError([change.item.problem("", str(error.message))]) from None

    def dump(self, scope: DumpScope) -> list[dict[str, Any]]:
        return []  # estimates are the platform's reference data, not a network's: the estimates API exports them
