"""A plan as IATI 2.03 activities: the plan is a parent activity (hierarchy 1), each top-level measure a child
activity (hierarchy 2) with its indicators as results, baselines and a target and an actual per period.

Organization identifiers: IATI wants registered identifiers (e.g. "KZ-BIN-…"); the registry does not hold them yet,
so each organization is named `<TAMYR_IATI_PREFIX>-<slug>` (setting, default "XI-TAMYR"), and a plan's own
identifier is `Plan.iati_identifier` or `<prefix>-<plan slug>`. Codes follow the IATI codelists: OrganisationType,
OrganisationRole, ActivityStatus, ActivityDateType, ResultType (1 output), IndicatorMeasure (1 unit).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import timezone
from lxml import etree

from tamyr.cooperation import selectors
from tamyr.cooperation.models import Measure, MeasureStatus, Plan
from tamyr.registry.models import MembershipRole, Organization

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

ORGANISATION_TYPE = {
    "state_institution": "10",
    "embassy": "10",
    "international": "40",
    "ngo": "22",
    "cultural_centre": "22",
    "university": "80",
    "media": "70",
    "company": "70",
}
ACTIVITY_STATUS = {
    MeasureStatus.PLANNED: "1",
    MeasureStatus.IN_PROGRESS: "2",
    MeasureStatus.DELAYED: "2",
    MeasureStatus.COMPLETED: "3",
    MeasureStatus.CANCELLED: "5",
}
PLAN_STATUS = {"draft": "1", "in_force": "2", "closed": "4"}
ROLE_ACCOUNTABLE, ROLE_IMPLEMENTING = "2", "4"


def _prefix() -> str:
    return str(getattr(settings, "TAMYR_IATI_PREFIX", "XI-TAMYR"))


def org_ref(organization: Organization) -> str:
    return f"{_prefix()}-{organization.slug}"


def plan_identifier(plan: Plan) -> str:
    return plan.iati_identifier or f"{_prefix()}-{plan.slug}"


def _narratives(parent: etree._Element, texts: dict[str, str] | str, fallback: str = "") -> None:
    """One <narrative> per language; IATI needs at least one, so an empty text gives `fallback`."""
    if isinstance(texts, str):
        texts = {"en": texts} if texts else {}
    items = [(code, text) for code, text in sorted(texts.items()) if text] or [("en", fallback or "—")]
    for code, text in items:
        narrative = etree.SubElement(parent, "narrative")
        if code != "en":
            narrative.set(XML_LANG, code)
        narrative.text = text


def _text(parent: etree._Element, tag: str, texts: dict[str, str] | str, fallback: str = "", **attrs: str) -> None:
    element = etree.SubElement(parent, tag, **attrs)
    _narratives(element, texts, fallback)


def _org(parent: etree._Element, tag: str, organization: Organization, **attrs: str) -> None:
    element = etree.SubElement(
        parent, tag, ref=org_ref(organization), type=ORGANISATION_TYPE.get(organization.kind, "90"), **attrs
    )
    _narratives(element, organization.name, organization.slug)


def _number(value: Decimal) -> str:
    return format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")


def _reporting_org(plan: Plan) -> Organization | None:
    if plan.network is None:
        return plan.organization
    coordinator = plan.network.memberships.filter(role=MembershipRole.COORDINATOR).select_related("organization")
    first = coordinator.first() or plan.network.memberships.select_related("organization").first()
    return first.organization if first else None


def _reporting(activity: etree._Element, plan: Plan, reporter: Organization | None) -> None:
    if reporter is not None or plan.network is None:
        assert reporter is not None  # a plan of one organization reports as that organization
        _org(activity, "reporting-org", reporter)
    else:
        element = etree.SubElement(activity, "reporting-org", ref=f"{_prefix()}-{plan.network.slug}", type="40")
        _narratives(element, plan.network.name, plan.network.slug)


EXACT = object()  # `export`'s reader when the caller is the installation (tests, commands): exact numbers


def export(plan: Plan, reader: Any = EXACT) -> bytes:
    """The plan's IATI XML (UTF-8), from the same rows the plan page reads: for a `reader` who may not read the
    exact numbers (a visitor of a public plan), with its small counts withheld as on the plan page."""
    from tamyr.cooperation import reports

    tree = selectors.plan_tree(plan) if reader is EXACT else reports.tree_for(reader, plan)
    reporter = _reporting_org(plan)
    root = etree.Element(
        "iati-activities", version="2.03", **{"generated-datetime": timezone.now().replace(microsecond=0).isoformat()}
    )
    parent_id = plan_identifier(plan)
    activity = etree.SubElement(
        root,
        "iati-activity",
        hierarchy="1",
        **{"last-updated-datetime": plan.updated_at.replace(microsecond=0).isoformat(), XML_LANG: "en"},
    )
    etree.SubElement(activity, "iati-identifier").text = parent_id
    _reporting(activity, plan, reporter)
    _text(activity, "title", plan.title, plan.slug)
    _text(activity, "description", plan.description or plan.title, plan.slug, type="1")
    participants = selectors.signatories(plan) or ([reporter] if reporter else [])
    for organization in participants:
        _org(activity, "participating-org", organization, role=ROLE_ACCOUNTABLE)
    if not participants:
        etree.SubElement(activity, "participating-org", role=ROLE_ACCOUNTABLE)
    etree.SubElement(activity, "activity-status", code=PLAN_STATUS.get(plan.status, "2"))
    etree.SubElement(activity, "activity-date", type="1", **{"iso-date": plan.starts_on.isoformat()})
    etree.SubElement(activity, "activity-date", type="3", **{"iso-date": plan.ends_on.isoformat()})
    measures = [node for direction in tree.directions for node in direction.measures]
    for node in measures:
        etree.SubElement(activity, "related-activity", ref=_measure_id(parent_id, node.measure), type="2")
    for node in measures:
        _measure_activity(root, plan, parent_id, reporter, node)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def _measure_id(parent_id: str, measure: Measure) -> str:
    return f"{parent_id}-{measure.code}"


def _measure_activity(
    root: etree._Element, plan: Plan, parent_id: str, reporter: Organization | None, node: selectors.MeasureNode
) -> None:
    measure = node.measure
    attrs: dict[str, Any] = {"hierarchy": "2", XML_LANG: "en"}
    if measure.currency:
        attrs["default-currency"] = measure.currency
    activity = etree.SubElement(root, "iati-activity", **attrs)
    etree.SubElement(activity, "iati-identifier").text = _measure_id(parent_id, measure)
    _reporting(activity, plan, reporter)
    _text(activity, "title", measure.title, measure.code)
    _text(activity, "description", measure.description or measure.title, measure.code, type="1")
    _org(activity, "participating-org", measure.lead, role=ROLE_IMPLEMENTING)
    for partner in measure.partners.all():
        _org(activity, "participating-org", partner, role=ROLE_IMPLEMENTING)
    etree.SubElement(activity, "activity-status", code=ACTIVITY_STATUS.get(MeasureStatus(measure.status), "2"))
    starts, ends = measure.starts_on or plan.starts_on, measure.ends_on or plan.ends_on
    etree.SubElement(activity, "activity-date", type="1", **{"iso-date": starts.isoformat()})
    etree.SubElement(activity, "activity-date", type="3", **{"iso-date": ends.isoformat()})
    if measure.budget_amount is not None and measure.currency:
        budget = etree.SubElement(activity, "budget", type="1", status="1")
        etree.SubElement(budget, "period-start", **{"iso-date": starts.isoformat()})
        etree.SubElement(budget, "period-end", **{"iso-date": ends.isoformat()})
        value = etree.SubElement(budget, "value", currency=measure.currency, **{"value-date": starts.isoformat()})
        value.text = _number(measure.budget_amount)
    etree.SubElement(activity, "related-activity", ref=parent_id, type="1")
    for child in node.children:
        etree.SubElement(activity, "related-activity", ref=_measure_id(parent_id, child.measure), type="2")
    rows = _all_indicators(node)
    if rows:
        result = etree.SubElement(activity, "result", type="1", **{"aggregation-status": "false"})
        _text(result, "title", measure.title, measure.code)
        for row in rows:
            _indicator(result, plan, row)


def _all_indicators(node: selectors.MeasureNode) -> list[selectors.IndicatorRow]:
    """A measure's own indicators and those of its child measures (IATI has no nested results)."""
    rows = list(node.indicators)
    for child in node.children:
        rows.extend(_all_indicators(child))
    return rows


def _indicator(result: etree._Element, plan: Plan, row: selectors.IndicatorRow) -> None:
    indicator = row.indicator
    element = etree.SubElement(result, "indicator", measure="1", ascending="true" if indicator.ascending else "false")
    _text(element, "title", indicator.title, indicator.unit)
    _text(element, "description", {"en": f"{indicator.unit}; {indicator.get_source_display()}"})
    year = indicator.baseline_year or plan.starts_on.year
    etree.SubElement(element, "baseline", year=str(year), value=_number(indicator.baseline))
    for period in row.periods:
        period_element = etree.SubElement(element, "period")
        etree.SubElement(period_element, "period-start", **{"iso-date": period.starts_on.isoformat()})
        etree.SubElement(period_element, "period-end", **{"iso-date": period.ends_on.isoformat()})
        etree.SubElement(period_element, "target", value=_number(period.target))
        if period.actual is not None:
            etree.SubElement(period_element, "actual", value=_number(period.actual))
