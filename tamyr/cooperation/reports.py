"""Progress reports of a plan, per period and per organization, and its public accountability view.

One table (`report_table`) is the report: the page shows it, the XLSX writes it, the PDF draws it, so the three
never disagree. The public view publishes only what the network chose to publish (`Plan.is_public`) and never a
small count: a number the platform computed is withheld below 10 and rounded to the nearest 5 otherwise (the rule of
the UK Office for National Statistics for small counts), and progress bars are computed from the published numbers,
so a percentage cannot give the withheld number away.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib.colors import HexColor, white
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle

from tamyr.accounts import permissions
from tamyr.cooperation import selectors
from tamyr.cooperation.models import IndicatorPeriod, IndicatorSource, Plan
from tamyr.cooperation.selectors import IndicatorRow, MeasureNode, PlanTree
from tamyr.core import cldr
from tamyr.learning.pdf import BRAND, BRAND_LIGHT, FONT, FONT_BOLD, INK, MUTED, register_fonts
from tamyr.registry.models import Organization

SMALL_COUNT = Decimal(10)  # computed numbers below this are withheld on public pages
ROUND_TO = Decimal(5)


@dataclass(frozen=True)
class ReportPeriod:
    starts_on: dt.date
    ends_on: dt.date

    @property
    def key(self) -> str:
        return f"{self.starts_on.isoformat()}..{self.ends_on.isoformat()}"

    def __str__(self) -> str:
        return cldr.date_range(self.starts_on, self.ends_on)


@dataclass
class Report:
    plan: Plan
    period: ReportPeriod
    organization: Organization | None
    tree: PlanTree
    header: list[str]
    rows: list[list[Any]]
    generated_at: dt.datetime = field(default_factory=timezone.now)

    @property
    def filename(self) -> str:
        name = f"{self.plan.slug}-progress-{self.period.starts_on}-{self.period.ends_on}"
        return f"{name}-{self.organization.slug}" if self.organization else name


def periods_of(plan: Plan) -> list[ReportPeriod]:
    """The whole plan, then every period its indicators are measured over (half-years, years …), in date order."""
    whole = ReportPeriod(plan.starts_on, plan.ends_on)
    found = {
        ReportPeriod(start, end)
        for start, end in IndicatorPeriod.objects.filter(indicator__measure__plan=plan)
        .values_list("starts_on", "ends_on")
        .distinct()
    }
    return [whole, *sorted(found - {whole}, key=lambda p: (p.starts_on, p.ends_on))]


def organizations_of(plan: Plan) -> list[Organization]:
    """The organizations a report can be about: those leading or partnering a measure of the plan."""
    return list(
        Organization.objects.filter(
            pk__in=[*plan.measures.values_list("lead_id", flat=True), *plan.measures.values_list("partners", flat=True)]
        ).order_by("slug")
    )


def _number(value: Decimal | None) -> Any:
    if value is None:
        return ""
    return int(value) if value == value.to_integral_value() else float(value)


def _involves(node: MeasureNode, organization: Organization | None) -> bool:
    if organization is None:
        return True
    measure = node.measure
    return measure.lead_id == organization.pk or any(p.pk == organization.pk for p in measure.partners.all())


def build(plan: Plan, period: ReportPeriod, organization: Organization | None = None) -> Report:
    """Every measure (of the organization, when one is given: as lead or partner) with each indicator's periods that
    fall within the report's period; a measure without indicators is one row."""
    tree = selectors.plan_tree(plan)
    header = [
        _("Direction"), _("Measure"), _("Title"), _("Lead"), _("Status"), _("Measure progress, %"), _("Indicator"),
        _("Unit"), _("Source"), _("Period"), _("Baseline"), _("Target"), _("Actual"), _("Progress, %"),
    ]  # fmt: skip
    rows: list[list[Any]] = []
    for direction in tree.directions:
        for node in _walk(direction.measures):
            if not _involves(node, organization):
                continue
            measure = node.measure
            start = [
                direction.direction.code, measure.code, measure.display_title, measure.lead.display_name,
                measure.get_status_display(), node.percent,
            ]  # fmt: skip
            lines = [
                (row, p) for row in node.indicators for p in row.periods
                if p.starts_on >= period.starts_on and p.ends_on <= period.ends_on
            ]  # fmt: skip
            if not lines:
                rows.append([*start, "", "", "", "", "", "", "", ""])
            for row, p in lines:
                indicator = row.indicator
                progress = round(selectors.period_progress(p, indicator.baseline) * 100)
                rows.append([
                    *start, indicator.display_title, indicator.unit, indicator.get_source_display(),
                    f"{p.starts_on.isoformat()} – {p.ends_on.isoformat()}", _number(indicator.baseline),
                    _number(p.target), _number(p.actual), progress if p.actual is not None else "",
                ])  # fmt: skip
    return Report(plan, period, organization, tree, header, rows)


def _walk(nodes: list[MeasureNode]) -> list[MeasureNode]:
    found: list[MeasureNode] = []
    for node in nodes:
        found.append(node)
        found.extend(_walk(node.children))
    return found


# --- PDF --------------------------------------------------------------------------------------------------------------


def pdf(report: Report) -> bytes:
    """The report as an A4 landscape PDF: a heading, the plan's progress, the table repeated over pages."""
    register_fonts()
    buffer = io.BytesIO()
    title = _("Progress report")
    document = SimpleDocTemplate(
        buffer, pagesize=landscape(A4), leftMargin=10 * mm, rightMargin=10 * mm, topMargin=12 * mm,
        bottomMargin=12 * mm, title=f"{title} — {report.plan.display_title}", author="Tamyr", creator="Tamyr",
    )  # fmt: skip
    heading = ParagraphStyle("heading", fontName=FONT_BOLD, fontSize=15, leading=19, textColor=INK)
    text = ParagraphStyle("text", fontName=FONT, fontSize=9, leading=12, textColor=MUTED)
    cell = ParagraphStyle("cell", fontName=FONT, fontSize=6.5, leading=8, textColor=INK)
    head = ParagraphStyle("head", parent=cell, fontName=FONT_BOLD, textColor=white)
    about = [str(report.period)]
    if report.organization:
        about.append(report.organization.display_name)
    about.append(_("plan progress %(percent)s %%") % {"percent": report.tree.percent})
    about.append(_("generated %(moment)s") % {"moment": cldr.datetime(report.generated_at, "medium")})
    story: list[Any] = [
        Paragraph(escape(f"{title}: {report.plan.display_title}"), heading),
        Paragraph(escape(" · ".join(about)), text),
        Spacer(1, 4 * mm),
    ]
    widths = [13, 13, 50, 30, 18, 15, 50, 15, 20, 24, 13, 13, 13, 13]
    data = [[Paragraph(escape(str(h)), head) for h in report.header]]
    data += [[Paragraph(escape(str(value)), cell) for value in row] for row in report.rows]
    table = LongTable(data, colWidths=[w * mm for w in widths], repeatRows=1)
    table.setStyle(
        TableStyle([
            ("BACKGROUND", (0, 0), (-1, 0), BRAND),
            ("ROWBACKGROUNDS", (0, 1), (-1, -1), [white, BRAND_LIGHT]),
            ("GRID", (0, 0), (-1, -1), 0.25, HexColor("#c9d3dc")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ])
    )  # fmt: skip
    story.append(table)
    document.build(story)
    return buffer.getvalue()


# --- the public view ----------------------------------------------------------------------------------------------


def published_number(value: Decimal | None) -> Decimal | None:
    """A computed number as a public page shows it: None below 10 (withheld), else rounded to the nearest 5."""
    if value is None or value < SMALL_COUNT:
        return None
    return (value / ROUND_TO).quantize(Decimal(1), rounding=ROUND_HALF_UP) * ROUND_TO


def public_tree(plan: Plan) -> PlanTree:
    """The plan tree with every computed actual replaced by its published number (withheld ones by none, their
    period listed in the row's `withheld`), and progress recomputed from those numbers. Nothing is saved."""
    tree = selectors.plan_tree(plan)
    for node in reversed(tree.measures()):  # children before their parents
        for row in node.indicators:
            _publish(row)
        node.progress = selectors._measure_progress(node)
    for direction in tree.directions:
        direction.progress = selectors._weighted(direction.measures)
    tree.progress = selectors._weighted([root for d in tree.directions for root in d.measures])
    return tree


def exact_numbers_for(user: Any, plan: Plan) -> bool:
    """Who reads a plan's computed numbers exactly: those who may read its progress reports (the network's
    coordinators and the people holding a role at its organizations). Everyone else reading a public plan (its page,
    a measure, the API, the IATI file) gets the published numbers, as on the accountability page."""
    return permissions.can(user, "cooperation.view_report", plan)


def tree_for(user: Any, plan: Plan) -> PlanTree:
    """The plan tree as `user` may read it: exact, or with small counts withheld (`public_tree`)."""
    return selectors.plan_tree(plan) if exact_numbers_for(user, plan) else public_tree(plan)


def page_for(user: Any, plan: Plan, page_number: Any) -> tuple[PlanTree, Any]:
    """One page of the plan page as `user` may read it. Those who read exact numbers get the fast page
    (`selectors.plan_page`); an outsider's page carries the published numbers, and its progress bars (the plan's,
    the directions', the measures') are computed from them, as on the accountability page."""
    tree, page = selectors.plan_page(plan, page_number)
    if exact_numbers_for(user, plan):
        return tree, page
    public = public_tree(plan)
    published = {node.measure.pk: node for node in public.measures()}
    for node in tree.measures():
        twin = published.get(node.measure.pk)
        if twin is not None:
            node.indicators, node.progress = twin.indicators, twin.progress
    directions = {direction.direction.pk: direction.progress for direction in public.directions}
    for direction in tree.directions:
        direction.progress = directions.get(direction.direction.pk, direction.progress)
    tree.progress = public.progress
    return tree, page


def node_for(user: Any, plan: Plan, code: str) -> MeasureNode | None:
    return next((node for node in tree_for(user, plan).measures() if node.measure.code == code), None)


def _publish(row: IndicatorRow) -> None:
    if row.indicator.source != IndicatorSource.COMPUTED:
        return
    for period in row.periods:
        if period.actual is not None and published_number(period.actual) is None:
            row.withheld.add(period.pk)
        period.actual = published_number(period.actual)
    row.progress = selectors.period_progress(row.current, row.indicator.baseline) if row.current else 0.0
