"""The `plans` section of a network file: a network's plan with its directions, measures and their indicators.

A plan is matched by its slug, a direction and a measure by their number (`code`) within the plan, an indicator by
its position in its measure (indicators have no key). Everything is written through `cooperation.services`, so
the rules (leads and partners in the plan's network, dates in order, a known query with known parameters) and the
audit rows are those of the pages.

As everywhere in network files (docs/decisions/0013): a field left out is left alone, a field written is its whole
value (`partners`, `events`, `courses` are whole lists), and nothing is deleted for being left out. Indicators are
added, never changed, by a file: a new one goes at the end of its measure (their actuals are computed or approved,
never loaded). Versions and sign-offs are decisions, recorded where they are taken; a file carries content only.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tamyr.accounts.permissions import SYSTEM
from tamyr.cooperation import services
from tamyr.cooperation.models import (
    Direction,
    Indicator,
    IndicatorPeriod,
    IndicatorSource,
    Measure,
    MeasureStatus,
)
from tamyr.cooperation.models import Plan as PlanModel
from tamyr.cooperation.queries import check_params
from tamyr.core.errors import DomainError
from tamyr.core.i18n import clean_translations
from tamyr.core.netfiles import (
    DATE,
    SLUG,
    TRANSLATED,
    Change,
    Context,
    DumpScope,
    Item,
    NetfileError,
    Section,
    register,
)
from tamyr.events.models import Event
from tamyr.learning.models import Course
from tamyr.registry.models import Network, Organization

NUMBER: dict[str, Any] = {"type": ["number", "string"]}
DAY: dict[str, Any] = {**DATE, "type": "string"}  # a date that must be given
CODE: dict[str, Any] = {"type": "string", "pattern": "^[0-9A-Za-z.]+$", "maxLength": 16}
SLUGS: dict[str, Any] = {"type": "array", "items": SLUG}
PLAN_FIELDS = {"title": "title", "description": "description", "starts_on": "starts_on", "ends_on": "ends_on",
               "public": "is_public", "iati_identifier": "iati_identifier"}  # fmt: skip
MEASURE_FIELDS = ("title", "description", "starts_on", "ends_on", "status", "budget_line", "budget_amount",
                  "currency", "weight")  # fmt: skip


def _object(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {"type": "object", "required": required, "additionalProperties": False, "properties": properties}


INDICATOR_SCHEMA = _object(
    {
        "title": TRANSLATED,
        "unit": {"type": "string", "minLength": 1, "maxLength": 60},
        "source": {"enum": list(IndicatorSource.values)},
        "query": {"type": "string"},
        "params": {"type": "object"},
        "baseline": NUMBER,
        "baseline_year": {"type": ["integer", "null"]},
        "ascending": {"type": "boolean"},
        "periods": {
            "type": "array",
            "minItems": 1,
            "items": _object(
                {"starts_on": DATE, "ends_on": DATE, "target": NUMBER}, ["starts_on", "ends_on", "target"]
            ),
        },
    },
    ["title", "unit", "source", "periods"],
)
MEASURE_SCHEMA = _object(
    {
        "code": CODE,
        "direction": CODE,
        "parent": {"type": ["string", "null"]},
        "title": TRANSLATED,
        "description": TRANSLATED,
        "lead": SLUG,
        "partners": SLUGS,
        "starts_on": DATE,
        "ends_on": DATE,
        "status": {"enum": list(MeasureStatus.values)},
        "budget_line": {"type": "string", "maxLength": 200},
        "budget_amount": {"type": ["number", "string", "null"]},
        "currency": {"type": "string", "maxLength": 3},
        "weight": {"type": "integer", "minimum": 1, "maximum": 1000},
        "events": SLUGS,
        "courses": SLUGS,
        "indicators": {"type": "array", "items": INDICATOR_SCHEMA},
    },
    ["code", "title", "lead"],
)


def _date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _day(value: Any) -> dt.date:
    """A date the schema requires (a period's start or end)."""
    return dt.date.fromisoformat(value)


@register
class PlansSection(Section):
    name = "plans"
    label = gettext_lazy("plan")
    depends_on = ("organizations", "networks", "events", "courses")

    def item_schema(self) -> dict[str, Any]:
        return _object(
            {
                "slug": SLUG,
                "network": SLUG,
                "title": TRANSLATED,
                "description": TRANSLATED,
                "starts_on": DAY,
                "ends_on": DAY,
                "public": {"type": "boolean"},
                "iati_identifier": {"type": "string", "maxLength": 120},
                "directions": {
                    "type": "array",
                    "items": _object({"code": CODE, "title": TRANSLATED, "description": TRANSLATED}, ["code", "title"]),
                },
                "measures": {"type": "array", "items": MEASURE_SCHEMA},
            },
            ["slug", "network", "title", "starts_on", "ends_on"],
        )

    # --- plan -----------------------------------------------------------------------------------------------------

    def _check_references(self, item: Item, context: Context) -> None:
        data = item.data
        orgs: set[str] = set()
        events: set[str] = set()
        courses: set[str] = set()
        for measure in data.get("measures") or []:
            orgs.add(measure["lead"])
            orgs.update(measure.get("partners") or [])
            events.update(measure.get("events") or [])
            courses.update(measure.get("courses") or [])
        known_orgs = set(Organization.objects.filter(slug__in=orgs).values_list("slug", flat=True))
        for slug in sorted(orgs - known_orgs):
            if not context.declares("organizations", slug):
                context.problems.append(
                    item.problem(
                        "measures",
                        _("There is no organization %(slug)s: add it to the file's organizations, or load it first.")
                        % {"slug": slug},
                    )
                )
        network = data["network"]
        if not context.declares("networks", network) and not Network.objects.filter(slug=network).exists():
            context.problems.append(item.problem("network", _("There is no network %(slug)s.") % {"slug": network}))
        known_events = set(Event.objects.filter(slug__in=events).values_list("slug", flat=True))
        for slug in sorted(events - known_events):
            if not context.declares("events", slug):
                context.problems.append(item.problem("measures", _("There is no event %(slug)s.") % {"slug": slug}))
        known_courses = set(Course.objects.filter(slug__in=courses).values_list("slug", flat=True))
        for slug in sorted(courses - known_courses):
            if not context.declares("courses", slug):
                context.problems.append(item.problem("measures", _("There is no course %(slug)s.") % {"slug": slug}))
        codes = {d["code"] for d in data.get("directions") or []}
        measure_codes: set[str] = set()
        for index, measure in enumerate(data.get("measures") or []):
            where = f"measures[{index}]"
            if measure.get("direction") and measure["direction"] not in codes:
                context.problems.append(
                    item.problem(
                        where, _("There is no direction %(code)s in this plan.") % {"code": measure["direction"]}
                    )
                )
            if measure.get("parent") and measure["parent"] not in measure_codes:
                context.problems.append(
                    item.problem(
                        where, _("The parent measure %(code)s must come before it.") % {"code": measure["parent"]}
                    )
                )
            if not measure.get("direction") and not measure.get("parent"):
                context.problems.append(item.problem(where, _("Give the measure a direction or a parent.")))
            measure_codes.add(measure["code"])
            for position, indicator in enumerate(measure.get("indicators") or []):
                try:
                    clean_translations(indicator["title"])
                    if indicator["source"] == IndicatorSource.COMPUTED:
                        check_params(indicator.get("query", ""), indicator.get("params") or {})
                except ValueError as error:
                    context.problems.append(item.problem(f"{where}.indicators[{position}]", str(error)))

    def plan(self, items: list[Item], context: Context) -> list[Change]:
        changes: list[Change] = []
        existing = {
            plan.slug: plan
            for plan in PlanModel.objects.filter(slug__in=[i.data["slug"] for i in items]).prefetch_related(
                "directions",
                Prefetch(
                    "measures",
                    queryset=Measure.objects.select_related("lead", "parent", "direction").prefetch_related(
                        "partners", "events", "courses", "indicators"
                    ),
                ),
            )
        }
        for item in items:
            self._check_references(item, context)
            plan = existing.get(item.data["slug"])
            if plan is None:
                changes.append(Change(self, item.data["slug"], "create", item))
                continue
            fields = self._changed_fields(plan, item.data)
            changes.append(Change(self, plan.slug, "change" if fields else "unchanged", item, fields))
        return changes

    def _changed_fields(self, plan: PlanModel, data: dict[str, Any]) -> list[str]:
        fields = [
            name
            for name, attr in PLAN_FIELDS.items()
            if name in data and self._value(name, data[name]) != getattr(plan, attr)
        ]
        directions = {d.code: d for d in plan.directions.all()}
        for d in data.get("directions") or []:
            if d["code"] not in directions:
                fields.append(f"directions.{d['code']}")
            elif clean_translations(d["title"]) != directions[d["code"]].title:
                fields.append(f"directions.{d['code']}.title")
        measures = {m.code: m for m in plan.measures.all()}
        for m in data.get("measures") or []:
            current = measures.get(m["code"])
            if current is None:
                fields.append(f"measures.{m['code']}")
                continue
            fields.extend(f"measures.{m['code']}.{name}" for name in self._measure_changes(current, m))
            if len(m.get("indicators") or []) > len(current.indicators.all()):
                fields.append(f"measures.{m['code']}.indicators")
        return fields

    @staticmethod
    def _value(name: str, value: Any) -> Any:
        if name in ("title", "description"):
            return clean_translations(value)
        if name in ("starts_on", "ends_on"):
            return _date(value)
        if name == "budget_amount":
            return None if value in (None, "") else Decimal(str(value)).quantize(Decimal("0.01"))
        return value

    def _measure_changes(self, measure: Measure, data: dict[str, Any]) -> list[str]:
        changed = [
            name for name in MEASURE_FIELDS if name in data and self._value(name, data[name]) != getattr(measure, name)
        ]
        if data["lead"] != measure.lead.slug:
            changed.append("lead")
        for name in ("partners", "events", "courses"):
            if name in data and sorted(data[name]) != sorted(o.slug for o in getattr(measure, name).all()):
                changed.append(name)
        if "parent" in data and (data["parent"] or None) != (measure.parent.code if measure.parent else None):
            changed.append("parent")
        if data.get("direction") and data["direction"] != measure.direction.code:
            changed.append("direction")
        return changed

    # --- apply ----------------------------------------------------------------------------------------------------

    def apply(self, change: Change, context: Context) -> None:
        data = change.item.data
        user = context.acting_user if context.acting_user is not None else SYSTEM
        try:
            values = {attr: self._value(name, data[name]) for name, attr in PLAN_FIELDS.items() if name in data}
            if change.action == "create":
                plan = services.plan_create(
                    slug=data["slug"], network=Network.objects.get(slug=data["network"]), acting_user=user, **values
                )
            else:
                plan = PlanModel.objects.get(slug=data["slug"])
                if values:
                    plan = services.plan_update(plan=plan, acting_user=user, **values)
            self._apply_content(plan, data, user)
        except DomainError as error:
            raise NetfileError([change.item.problem(error.field or "", error.message)]) from error

    def _apply_content(self, plan: PlanModel, data: dict[str, Any], user: Any) -> None:
        directions = {d.code: d for d in plan.directions.all()}
        for order, d in enumerate(data.get("directions") or []):
            if d["code"] not in directions:
                directions[d["code"]] = services.direction_create(
                    plan=plan, code=d["code"], title=d["title"], description=d.get("description"), order=order,
                    acting_user=user,
                )  # fmt: skip
            elif clean_translations(d["title"]) != directions[d["code"]].title:
                Direction.objects.filter(pk=directions[d["code"]].pk).update(title=clean_translations(d["title"]))
        measures = {m.code: m for m in plan.measures.select_related("lead", "parent", "direction")}
        for order, m in enumerate(data.get("measures") or []):
            fields: dict[str, Any] = {name: self._value(name, m[name]) for name in MEASURE_FIELDS if name in m}
            fields["lead"] = Organization.objects.get(slug=m["lead"])
            for name, model in (("partners", Organization), ("events", Event), ("courses", Course)):
                if name in m:
                    fields[name] = list(model.objects.filter(slug__in=m[name]))  # type: ignore[attr-defined]
            if m.get("parent"):
                fields["parent"] = measures[m["parent"]]
            if m.get("direction"):
                fields["direction"] = directions[m["direction"]]
            current = measures.get(m["code"])
            if current is None:
                title = fields.pop("title")
                lead = fields.pop("lead")
                direction = fields.pop("direction", None)
                current = services.measure_create(
                    plan=plan, direction=direction, code=m["code"], title=title, lead=lead, acting_user=user,
                    order=order, **fields,
                )  # fmt: skip
                measures[m["code"]] = current
            else:
                wanted = set(self._measure_changes(current, m))
                update = {k: v for k, v in fields.items() if k in wanted}
                if update:
                    current = services.measure_update(measure=current, acting_user=user, **update)
                    measures[m["code"]] = current
            have = current.indicators.count()
            for indicator in (m.get("indicators") or [])[have:]:
                services.indicator_create(
                    measure=current,
                    title=indicator["title"],
                    unit=indicator["unit"],
                    source=indicator["source"],
                    query=indicator.get("query", ""),
                    params=indicator.get("params") or ({} if indicator["source"] == "computed" else None),
                    baseline=indicator.get("baseline", 0),
                    baseline_year=indicator.get("baseline_year"),
                    ascending=indicator.get("ascending", True),
                    periods=[(_day(p["starts_on"]), _day(p["ends_on"]), p["target"]) for p in indicator["periods"]],
                    acting_user=user,
                )

    # --- dump -----------------------------------------------------------------------------------------------------

    def _dumped(self, scope: DumpScope) -> Any:
        return (
            PlanModel.objects.filter(network__slug__in=scope.networks)
            .select_related("network")
            .prefetch_related(
                "directions",
                Prefetch(
                    "measures",
                    queryset=Measure.objects.select_related("lead", "parent", "direction")
                    .prefetch_related(
                        "partners",
                        "events",
                        "courses",
                        Prefetch(
                            "indicators",
                            queryset=Indicator.objects.prefetch_related(
                                Prefetch("periods", queryset=IndicatorPeriod.objects.order_by("starts_on"))
                            ),
                        ),
                    )
                    .order_by("order", "code"),
                ),
            )
            .order_by("slug")
        )

    def organizations_named(self, scope: DumpScope) -> set[str]:
        slugs: set[str] = set()
        for plan in self._dumped(scope):
            for measure in plan.measures.all():
                slugs.add(measure.lead.slug)
                slugs.update(org.slug for org in measure.partners.all())
        return slugs

    def dump(self, scope: DumpScope) -> list[dict[str, Any]]:
        return [self._item(plan) for plan in self._dumped(scope)]

    def _item(self, plan: PlanModel) -> dict[str, Any]:
        item: dict[str, Any] = {
            "slug": plan.slug,
            "network": plan.network.slug if plan.network else "",
            "title": plan.title,
        }
        if plan.description:
            item["description"] = plan.description
        item.update(starts_on=plan.starts_on.isoformat(), ends_on=plan.ends_on.isoformat(), public=plan.is_public)
        if plan.iati_identifier:
            item["iati_identifier"] = plan.iati_identifier
        item["directions"] = [
            {"code": d.code, "title": d.title, **({"description": d.description} if d.description else {})}
            for d in plan.directions.all()
        ]
        item["measures"] = [self._measure(m) for m in plan.measures.all()]
        return item

    def _measure(self, measure: Measure) -> dict[str, Any]:
        data: dict[str, Any] = {"code": measure.code, "direction": measure.direction.code}
        if measure.parent:
            data["parent"] = measure.parent.code
        data["title"] = measure.title
        if measure.description:
            data["description"] = measure.description
        data["lead"] = measure.lead.slug
        data["partners"] = sorted(o.slug for o in measure.partners.all())
        for name in ("starts_on", "ends_on"):
            value = getattr(measure, name)
            if value:
                data[name] = value.isoformat()
        data["status"] = measure.status
        if measure.budget_line:
            data["budget_line"] = measure.budget_line
        if measure.budget_amount is not None:
            data["budget_amount"] = str(measure.budget_amount)
        if measure.currency:
            data["currency"] = measure.currency
        data["weight"] = measure.weight
        data["events"] = sorted(e.slug for e in measure.events.all())
        data["courses"] = sorted(c.slug for c in measure.courses.all())
        data["indicators"] = [self._indicator(i) for i in measure.indicators.all()]
        return data

    @staticmethod
    def _indicator(indicator: Indicator) -> dict[str, Any]:
        data: dict[str, Any] = {"title": indicator.title, "unit": indicator.unit, "source": indicator.source}
        if indicator.query:
            data["query"] = indicator.query
            data["params"] = indicator.params
        data["baseline"] = str(indicator.baseline)
        if indicator.baseline_year:
            data["baseline_year"] = indicator.baseline_year
        if not indicator.ascending:
            data["ascending"] = False
        data["periods"] = [
            {"starts_on": p.starts_on.isoformat(), "ends_on": p.ends_on.isoformat(), "target": str(p.target)}
            for p in indicator.periods.all()
        ]
        return data


# the joint projects' and the practice library's sections live beside this one; the loader imports only `netfile`
from tamyr.cooperation import netfile_projects  # noqa: E402, F401
