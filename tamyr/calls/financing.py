"""Financing: an award's tranches (the disbursement schedule), the reports its organization owes, its status, and
the fund's figures (committed, disbursed, remaining) by country and by direction.

Why the award row is locked for every tranche change: the tranches of an award must never add up to more than the
award, and two managers adding tranches at once would each see the old sum. Every figure of the fund's page is summed
from these rows in a fixed number of queries; nothing is kept as a counter that could drift.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from tamyr.accounts.permissions import can
from tamyr.calls.models import (
    HOLDS_PLACE,
    Award,
    AwardReport,
    AwardStatus,
    Call,
    QuotaGroup,
    ReportStatus,
    Tranche,
    TrancheStatus,
)
from tamyr.calls.selection import budget_return
from tamyr.core import audit, uploads
from tamyr.core.errors import DomainError, NotAllowed
from tamyr.core.i18n import translate
from tamyr.registry.models import Country

ZERO = Decimal("0.00")
REPORT_POLICY = uploads.EVIDENCE


def _require(user: Any, action: str, obj: Any) -> None:
    if not can(user, action, obj):
        raise NotAllowed(_("You may not do this."))


def _locked_award(award: Award) -> Award:
    return Award.objects.select_for_update().select_related("outcome__call").get(pk=award.pk)


def _scheduled(award: Award) -> Decimal:
    total = Tranche.objects.filter(award=award).aggregate(total=Sum("amount"))["total"]
    return total or ZERO


# --- tranches ---


@transaction.atomic
def tranche_add(*, award: Award, amount: Decimal, due_on: date, acting_user: Any) -> Tranche:
    """Schedule a payment. Refused, with nothing written, when the schedule would pass the award."""
    award = _locked_award(award)
    _require(acting_user, "calls.manage_financing", award.outcome.call)
    if award.status in (AwardStatus.CANCELLED, AwardStatus.COMPLETED):
        raise DomainError(_("This award is closed; its schedule no longer changes."), code="award_closed")
    amount = Decimal(amount)
    if amount <= 0:
        raise DomainError(_("A tranche must be more than zero."), code="amount_out_of_range", field="amount")
    scheduled = _scheduled(award)
    if scheduled + amount > award.amount:
        raise DomainError(
            _(
                "The tranches would add up to %(total)s %(currency)s, more than the award of %(award)s %(currency)s; "
                "at most %(left)s %(currency)s can still be scheduled."
            )
            % {
                "total": scheduled + amount,
                "award": award.amount,
                "left": award.amount - scheduled,
                "currency": award.currency,
            },
            code="over_award",
            field="amount",
        )
    tranche = Tranche.objects.create(award=award, amount=amount, due_on=due_on)
    audit.record(acting_user, "calls.tranche_added", award, amount=str(amount), due_on=due_on.isoformat())
    return tranche


@transaction.atomic
def tranche_disburse(*, tranche: Tranche, acting_user: Any, now: datetime | None = None) -> Tranche:
    """Record that a tranche was paid, when and by whom. An award that is not active pays nothing."""
    award = _locked_award(tranche.award)
    _require(acting_user, "calls.manage_financing", award.outcome.call)
    tranche = Tranche.objects.select_for_update().get(pk=tranche.pk)
    if tranche.status == TrancheStatus.DISBURSED:
        raise DomainError(_("This tranche was already disbursed."), code="already_disbursed")
    if award.status != AwardStatus.ACTIVE:
        raise DomainError(_("Only an active award is paid out."), code="award_not_active")
    if award.outcome.status not in HOLDS_PLACE:
        raise DomainError(_("This application no longer holds its award."), code="award_not_held")
    tranche.status = TrancheStatus.DISBURSED
    tranche.disbursed_at = now or timezone.now()
    tranche.disbursed_by = acting_user if getattr(acting_user, "pk", None) else None
    tranche.save(update_fields=["status", "disbursed_at", "disbursed_by"])
    audit.record(acting_user, "calls.tranche_disbursed", award, tranche=tranche.pk, amount=str(tranche.amount))
    return tranche


# --- reports ---


@transaction.atomic
def report_add(*, award: Award, due_on: date, acting_user: Any, tranche: Tranche | None = None) -> AwardReport:
    """Ask for a report by a date, on a tranche or on its own."""
    award = _locked_award(award)
    _require(acting_user, "calls.manage_financing", award.outcome.call)
    if tranche is not None and tranche.award_id != award.pk:
        raise DomainError(_("This tranche belongs to another award."), field="tranche")
    report = AwardReport.objects.create(award=award, tranche=tranche, due_on=due_on)
    audit.record(acting_user, "calls.report_requested", award, due_on=due_on.isoformat())
    return report


@transaction.atomic
def report_submit(*, report: AwardReport, upload: Any, acting_user: Any, now: datetime | None = None) -> AwardReport:
    """The applying organization hands in its report (a file checked by its real content); until it is accepted
    a new file replaces the old one."""
    report = AwardReport.objects.select_for_update().select_related("award__outcome__application").get(pk=report.pk)
    _require(acting_user, "calls.report_award", report.award)
    if report.status == ReportStatus.ACCEPTED:
        raise DomainError(_("This report was already accepted."), code="already_accepted")
    checked = uploads.check(upload, REPORT_POLICY, field="file")
    if report.file:
        uploads.replace(report, "file", checked, REPORT_POLICY)
    else:
        report.file = checked  # type: ignore[assignment]
    report.original_name = checked.original_name
    report.status = ReportStatus.SUBMITTED
    report.submitted_at = now or timezone.now()
    report.submitted_by = acting_user
    report.save()
    audit.record(acting_user, "calls.report_submitted", report.award, report=report.pk)
    return report


COMMENT_MAX = 2000


def _handed_in(report: AwardReport, acting_user: Any, comment: str) -> tuple[AwardReport, str]:
    """The report locked, for its call's managers only, while it waits for their answer; the comment checked."""
    report = AwardReport.objects.select_for_update().select_related("award__outcome__call").get(pk=report.pk)
    _require(acting_user, "calls.manage_financing", report.award.outcome.call)
    if report.status != ReportStatus.SUBMITTED:
        raise DomainError(_("Only a report that was handed in can be accepted or returned."), code="not_submitted")
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise DomainError(
            _("Keep the comment under %(max)s characters.") % {"max": COMMENT_MAX}, code="too_long", field="comment"
        )
    return report, comment


@transaction.atomic
def report_accept(
    *, report: AwardReport, acting_user: Any, comment: str = "", now: datetime | None = None
) -> AwardReport:
    report, comment = _handed_in(report, acting_user, comment)
    report.status = ReportStatus.ACCEPTED
    report.accepted_at = now or timezone.now()
    report.accepted_by = acting_user
    report.comment = comment
    report.save(update_fields=["status", "accepted_at", "accepted_by", "comment"])
    audit.record(acting_user, "calls.report_accepted", report.award, report=report.pk)
    return report


@transaction.atomic
def report_return(*, report: AwardReport, comment: str, acting_user: Any) -> AwardReport:
    """Send a handed-in report back to the award holder with what to change; they hand in a new file, which
    replaces this one. A return without a comment would leave them guessing, so it is refused."""
    report, comment = _handed_in(report, acting_user, comment)
    if not comment:
        raise DomainError(_("Say what should change in the report."), code="comment_required", field="comment")
    report.status = ReportStatus.RETURNED
    report.comment = comment
    report.save(update_fields=["status", "comment"])
    audit.record(acting_user, "calls.report_returned", report.award, report=report.pk)
    return report


# --- the award's status ---


@transaction.atomic
def award_status_set(*, award: Award, status: str, acting_user: Any) -> Award:
    """Suspend, resume, complete or cancel an award. Completed needs every tranche paid and every report accepted;
    a cancelled award stays cancelled: what it paid stays on the books, what it did not pay returns to the call's
    budget (remaining = budget - committed), where a promotion or a refill can commit it to another award."""
    # the award's row only: a cancellation then locks the place's pool in the order a decline keeps (group,
    # selection, outcome); locking the outcome here, before the group, could deadlock with a decline
    award = Award.objects.select_for_update(of=("self",)).select_related("outcome__call").get(pk=award.pk)
    _require(acting_user, "calls.manage_financing", award.outcome.call)
    if status not in AwardStatus.values:
        raise DomainError(_("Unknown status %(status)s.") % {"status": status}, field="status")
    if award.status == AwardStatus.CANCELLED:
        raise DomainError(_("A cancelled award stays cancelled."), code="award_closed")
    if status == AwardStatus.COMPLETED:
        if award.tranches.filter(status=TrancheStatus.PLANNED).exists():
            raise DomainError(_("Some tranches are not yet disbursed."), code="tranches_pending")
        if award.reports.exclude(status=ReportStatus.ACCEPTED).exists():
            raise DomainError(_("Some reports are not yet accepted."), code="reports_pending")
    before = award.status
    award.status = status
    returned = ZERO
    if status == AwardStatus.CANCELLED:
        # what it has not paid goes back to the budget at once, with its place's pool locked as a decline locks it
        returned = budget_return(award)
    else:
        award.save(update_fields=["status", "updated_at"])
    audit.record(acting_user, "calls.award_status_changed", award, before=before, after=status, returned=str(returned))
    return award


# --- reads ---


def awards_of_call(call: Call) -> QuerySet[Award]:
    return (
        Award.objects.filter(outcome__call=call)
        .select_related("outcome__application__person", "outcome__application__organization", "outcome__quota_group")
        .prefetch_related("tranches", "reports")
        .order_by("outcome__rank")
    )


@dataclass
class Money:
    committed: Decimal = ZERO
    disbursed: Decimal = ZERO

    @property
    def remaining(self) -> Decimal:
        return self.committed - self.disbursed


@dataclass
class FundFigures:
    currency: str
    budget: Decimal | None
    total: Money = field(default_factory=Money)
    by_country: list[tuple[str, str, Money]] = field(default_factory=list)  # (code, name, money)
    by_direction: list[tuple[str, str, Money]] = field(default_factory=list)  # (key, name, money)

    @property
    def uncommitted(self) -> Decimal | None:
        return None if self.budget is None else self.budget - self.total.committed


def fund_figures(call: Call) -> FundFigures:
    """Committed, disbursed and remaining money, by country (the applying organization's, else the applicant's
    residence) and by direction (the call's quota groups). Three queries, whatever the number of awards.

    Committed: awards whose outcome holds a place, except cancelled ones, which commit only what they paid."""
    rows = (
        Award.objects.filter(outcome__call=call, outcome__status__in=HOLDS_PLACE)
        .annotate(
            paid=Coalesce(Sum("tranches__amount", filter=Q(tranches__status=TrancheStatus.DISBURSED)), ZERO),
            country_code=Coalesce(
                "outcome__application__organization__country_id", "outcome__application__person__residence_country_id"
            ),
        )
        .values_list("amount", "status", "paid", "country_code", "outcome__quota_group_id")
    )
    figures = FundFigures(currency=call.currency, budget=call.budget)
    countries: dict[str | None, Money] = defaultdict(Money)
    groups: dict[int | None, Money] = defaultdict(Money)
    for amount, status, paid, country_code, group_id in rows:
        committed = paid if status == AwardStatus.CANCELLED else amount
        for money in (figures.total, countries[country_code], groups[group_id]):
            money.committed += committed
            money.disbursed += paid
    names = {c.code: c.name for c in Country.objects.filter(code__in=[code for code in countries if code])}
    for code in sorted(countries, key=lambda code: (code is None, names.get(code or "", ""))):
        label = names.get(code, code) if code else _("Unknown")
        figures.by_country.append((code or "", str(label), countries[code]))
    quota_groups = {group.pk: group for group in QuotaGroup.objects.filter(call=call)}
    for pk in quota_groups:
        groups.setdefault(pk, Money())
    for direction_id in sorted(groups, key=lambda pk: (pk is None, quota_groups[pk].order if pk else 0, pk or 0)):
        direction = quota_groups.get(direction_id) if direction_id else None
        key = direction.key if direction else ""
        name = (translate(direction.name) or direction.key) if direction else _("No group")
        figures.by_direction.append((key, str(name), groups[direction_id]))
    return figures
